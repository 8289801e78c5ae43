import Tokenize

/// The lines of text files (standard input when none) handed on in chunks, for commands that
/// process text a line at a time (`classify`, `translate`): files of any size stream in bounded
/// memory, and output keeps input order.
enum TextLineChunks {
    /// Calls `body` with consecutive chunks of at most `size` lines of `files`, in order, each line
    /// decoded as UTF-8 with a trailing `\r` removed. Files are checked up front and opened one at a
    /// time, so any number of them fits within the descriptor limit.
    static func forEach(files: [String], size: Int, _ body: ([String]) throws -> Void) throws {
        for file in files { try LineReader.checkReadable(file) }
        var pending: [String] = []
        for file in files.isEmpty ? [nil] : files.map(Optional.some) {
            let reader = try file.map { try LineReader(path: $0) } ?? LineReader(standardInputWithChunkSize: 1 << 16)
            try reader.forEachLine { bytes, _ in
                var line = String(decoding: bytes, as: UTF8.self)
                if line.hasSuffix("\r") { line.removeLast() }
                pending.append(line)
                if pending.count >= size {
                    try body(pending)
                    pending.removeAll(keepingCapacity: true)
                }
            }
        }
        if !pending.isEmpty { try body(pending) }
    }
}
