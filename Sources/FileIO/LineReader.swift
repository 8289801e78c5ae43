#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CICU

/// Reads a UTF-8 text file (or standard input) line by line in fixed-size chunks, so memory stays
/// bounded by the chunk size plus the longest line, whatever the file size. A `.gz` file is
/// decompressed as it is read (`InputFile`).
///
/// - Lines are split on "\n" only (not on "\r", U+0085, U+2028 or U+2029); the "\n" is not part
///   of the line. A last line without "\n" is still a line. An empty file has no lines.
/// - Every line is checked to be valid UTF-8 before it is handed out; the first invalid line
///   throws `FileError.invalidUTF8` naming the file, the line number and the byte, after all
///   lines before it were delivered.
/// - A line longer than `maximumLineLength` bytes (not counting its "\n") throws
///   `FileError.lineTooLong`; a line of exactly `maximumLineLength` bytes is accepted. The
///   buffer grows to at most `maximumLineLength + 1` bytes (the line plus its "\n"), so blocks
///   handed out are never longer than that. The default, 2^30 - 1 bytes, keeps every block within
///   the 2^30-byte limit of the ICU segmenter.
///
/// ```swift
/// let reader = try LineReader(path: "train.en")
/// try reader.forEachLine { line, number in ... }   // line: UnsafeBufferPointer<UInt8>
/// ```
///
/// A reader reads its input once; create a new one to read again.
public final class LineReader {
    /// The name used in error messages: the path, or `<stdin>`.
    public let path: String
    /// Bytes requested from the system per read.
    public let chunkSize: Int
    /// Longest accepted line, in bytes, not counting its "\n".
    public let maximumLineLength: Int
    /// The default `maximumLineLength`: 2^30 - 1 bytes, so a block (line plus "\n") stays within
    /// the segmenter's 2^30-byte limit.
    public static let defaultMaximumLineLength = (1 << 30) - 1
    private let file: InputFile

    /// Opens `path` for reading.
    /// - Throws: `FileError.missing` or `.cannotOpen` when the file is missing or unreadable, `readFailed` for
    ///   a folder.
    public init(path: String, chunkSize: Int = 1 << 20, maximumLineLength: Int = LineReader.defaultMaximumLineLength) throws(FileError) {
        precondition(chunkSize > 0 && maximumLineLength > 0)
        precondition(chunkSize <= maximumLineLength, "chunkSize must not exceed maximumLineLength")
        self.file = try InputFile(path: path)
        self.path = path
        self.chunkSize = chunkSize
        self.maximumLineLength = maximumLineLength
    }

    /// Reads standard input; error messages call it `<stdin>`.
    public init(standardInputWithChunkSize chunkSize: Int = 1 << 20, maximumLineLength: Int = LineReader.defaultMaximumLineLength) {
        precondition(chunkSize > 0 && maximumLineLength > 0)
        precondition(chunkSize <= maximumLineLength, "chunkSize must not exceed maximumLineLength")
        self.file = InputFile.standardInput()
        self.path = file.path
        self.chunkSize = chunkSize
        self.maximumLineLength = maximumLineLength
    }

    /// Calls `body` with blocks of whole lines: each block holds one or more complete lines, each
    /// ending in "\n" except possibly the file's last line, and `firstLine` is the 1-based number
    /// of its first line. Blocks are about `chunkSize` bytes (more when a single line is longer).
    /// This is the fast path for tools that process many lines per call.
    public func forEachBlock(_ body: (_ block: UnsafeBufferPointer<UInt8>, _ firstLine: Int) throws -> Void) throws {
        var capacity = chunkSize
        var storage = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { storage.deallocate() }
        var filled = 0
        var lineNumber = 1
        var atEnd = false
        while !atEnd {
            if filled == capacity {
                // The buffer holds part of one line only (no "\n"): grow it. It needs room for
                // maximumLineLength bytes plus the "\n"; full at that size means the line is longer.
                guard capacity <= maximumLineLength else {
                    throw FileError.lineTooLong(path: path, line: lineNumber, limit: maximumLineLength)
                }
                let grown = min(capacity * 2, maximumLineLength + 1)
                let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
                bigger.update(from: storage, count: filled)
                storage.deallocate()
                storage = bigger
                capacity = grown
            }
            let n = try file.read(into: storage + filled, count: capacity - filled, linesBefore: lineNumber - 1)
            if n == 0 { atEnd = true }
            let carried = filled  // bytes kept from the last read: part of one line, no "\n"
            filled += n
            // The block ends after the last "\n", or at the end of the input.
            var blockEnd = filled
            if !atEnd {
                var i = filled
                while i > carried && storage[i - 1] != 0x0A { i -= 1 }
                blockEnd = i > carried ? i : 0
            }
            if blockEnd == 0 { continue }
            let block = UnsafeBufferPointer(start: storage, count: blockEnd)
            try deliver(block, firstLine: lineNumber, body)
            lineNumber += Self.newlineCount(block)
            let rest = filled - blockEnd
            if rest > 0 { memmove(storage, storage + blockEnd, rest) }
            filled = rest
        }
    }

    /// Calls `body` with each line (without its "\n") and its 1-based line number.
    public func forEachLine(_ body: (_ line: UnsafeBufferPointer<UInt8>, _ number: Int) throws -> Void) throws {
        try forEachBlock { block, firstLine in
            try Self.forEachLine(in: block, firstLine: firstLine, body)
        }
    }

    /// Splits a block (as passed by `forEachBlock`) into lines.
    public static func forEachLine(
        in block: UnsafeBufferPointer<UInt8>, firstLine: Int,
        _ body: (_ line: UnsafeBufferPointer<UInt8>, _ number: Int) throws -> Void
    ) rethrows {
        guard let base = block.baseAddress else { return }
        var start = 0
        var number = firstLine
        while start < block.count {
            let end = nextNewline(in: block, from: start)
            try body(UnsafeBufferPointer(start: base + start, count: end - start), number)
            number += 1
            start = end + 1
        }
    }

    /// The index of the first "\n" in `block` at or after `from`, or `block.count`.
    @inline(__always)
    public static func nextNewline(in block: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        guard from < block.count, let base = block.baseAddress else { return block.count }
        guard let hit = memchr(base + from, 0x0A, block.count - from) else { return block.count }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    /// Reads all lines as strings (convenient for small files and tests).
    public func readAllLines() throws -> [String] {
        var lines: [String] = []
        try forEachLine { line, _ in lines.append(String(decoding: line, as: UTF8.self)) }
        return lines
    }

    /// Validates `block` and passes it on; on invalid UTF-8 passes the valid lines before the bad
    /// one and throws.
    private func deliver(
        _ block: UnsafeBufferPointer<UInt8>, firstLine: Int,
        _ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void
    ) throws {
        let bad = cicu_utf8_find_invalid(block.baseAddress, Int64(block.count))
        if bad < 0 {
            try body(block, firstLine)
            return
        }
        let badOffset = Int(bad)
        var lineStart = badOffset
        while lineStart > 0 && block[lineStart - 1] != 0x0A { lineStart -= 1 }
        let before = UnsafeBufferPointer(rebasing: block[..<lineStart])
        if lineStart > 0 { try body(before, firstLine) }
        throw FileError.invalidUTF8(
            path: path, line: firstLine + Self.newlineCount(before),
            byte: badOffset - lineStart + 1, value: block[badOffset])
    }

    /// Number of "\n" bytes, counted 8 bytes at a time (exact zero-byte test on `word ^ 0x0A...`).
    private static func newlineCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        var n = 0
        var i = 0
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        while i + 8 <= bytes.count {
            let v = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
            let zeroBytes = ~(((v & low7) &+ low7) | v) & ~low7
            n += zeroBytes.nonzeroBitCount
            i += 8
        }
        while i < bytes.count {
            if base[i] == 0x0A { n += 1 }
            i += 1
        }
        return n
    }
}
