import FileIO
import ArgumentParser
import Tokenize

/// The lines of text files (standard input when none, or for `-`) handed on in chunks, for
/// commands that process text a line at a time (`classify`, `translate`): files of any size stream
/// in bounded memory, and output keeps input order.
enum TextLineChunks {
    /// Calls `body` with consecutive chunks of at most `size` lines of `files`, in order, each line
    /// decoded as UTF-8 with a trailing `\r` removed. Files are checked up front and opened one at a
    /// time, so any number of them fits within the descriptor limit.
    static func forEach(files: [String], size: Int, _ body: ([String]) throws -> Void) throws {
        try checkReadable(files)
        var pending: [String] = []
        for file in files.isEmpty ? [nil] : files.map(Optional.some) {
            let reader = try reader(for: file)
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

    /// Checks every file but `-` (standard input, which can be read once) before any is read.
    static func checkReadable(_ files: [String]) throws {
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("'-' (standard input) can be given only once") }
        for file in files where file != "-" { try InputFile.checkReadable(file) }
    }

    /// The reader of `file`; standard input (read `standardInputChunk` bytes at a time) for nil or
    /// `-`, as shells and Unix tools have it.
    static func reader(for file: String?, standardInputChunk: Int = 1 << 16) throws -> LineReader {
        guard let file, file != "-" else { return LineReader(standardInputWithChunkSize: standardInputChunk) }
        return try LineReader(path: file)
    }
}
