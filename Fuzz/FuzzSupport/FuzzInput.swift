import Foundation

/// One fuzz input, and the ways the targets hand it to readers: as bytes, cut into parts, or as
/// files in `/dev/shm` (readers take paths).
public struct FuzzInput {
    public let bytes: [UInt8]

    public init(_ bytes: UnsafePointer<UInt8>, _ count: Int) {
        self.bytes = Array(UnsafeBufferPointer(start: bytes, count: count))
    }

    /// The first byte (a choice among options: locale, format, ...) and the rest; 0 and all the
    /// bytes when there are none.
    public var choiceAndRest: (choice: Int, rest: [UInt8]) {
        guard let first = bytes.first else { return (0, []) }
        return (Int(first), Array(bytes.dropFirst()))
    }

    /// The bytes cut at the first 0xFF (a byte that never occurs in UTF-8): two files' contents.
    public static func halves(of bytes: [UInt8]) -> ([UInt8], [UInt8]) {
        guard let cut = bytes.firstIndex(of: 0xFF) else { return (bytes, []) }
        return (Array(bytes[..<cut]), Array(bytes[(cut + 1)...]))
    }

    /// The number of lines a reader sees in `bytes`: "\n" ends a line, a last line without one is
    /// still a line, and an empty file has none.
    public static func lineCount(of bytes: [UInt8]) -> Int {
        let newlines = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        return newlines + (bytes.last == nil || bytes.last == 0x0A ? 0 : 1)
    }

    /// Calls `body` with the path of a file holding `contents` (one path per process and `name`),
    /// removing the file afterwards.
    public static func withFile<R>(_ contents: [UInt8], name: String, _ body: (String) throws -> R) rethrows -> R {
        let path = "/dev/shm/fuzz-\(getpid())-\(name)"
        FileManager.default.createFile(atPath: path, contents: Data(contents))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }
}
