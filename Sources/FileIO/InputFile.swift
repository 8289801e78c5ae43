#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib

/// A file (or standard input) opened for reading bytes in order. A path ending in `.gz` is
/// decompressed as it is read, through zlib (several concatenated gzip members read as one stream,
/// as `gzip -dc` has it; a file that is not gzip data after all is read as it is).
///
/// Errors are `FileError`s naming the path: a missing (`missing`) or unreadable file (`cannotOpen`), a folder
/// or failing read (`readFailed`), compressed data that ends early or is damaged (`damagedGzip`).
public final class InputFile {
    /// The name used in error messages: the path, or `<stdin>`.
    public let path: String
    /// Whether the path names a regular file (false for standard input, pipes and devices).
    public let isRegularFile: Bool
    /// The file's size in bytes as the system reports it when it was opened (0 when unknown).
    public let sizeHint: Int
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    /// The zlib stream reading `descriptor`, for a `.gz` path.
    private var gzip: gzFile?

    /// Opens `path` for reading; `decompress: false` reads a `.gz` file's own bytes.
    public init(path: String, decompress: Bool = true) throws(FileError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw errno == ENOENT ? .missing(path: path) : .cannotOpen(path: path, reason: FileError.systemReason())
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = FileError.systemReason()
            close(descriptor)
            throw .readFailed(path: path, reason: reason)
        }
        guard (status.st_mode & S_IFMT) != S_IFDIR else {
            close(descriptor)
            throw .readFailed(path: path, reason: "it is a directory")
        }
        self.path = path
        self.isRegularFile = (status.st_mode & S_IFMT) == S_IFREG
        self.sizeHint = Int(status.st_size)
        self.descriptor = descriptor
        self.ownsDescriptor = true
        if decompress && path.hasSuffix(".gz") {
            // gzdopen takes the descriptor over (gzclose closes it); a copy keeps ownership simple.
            guard let stream = gzdopen(dup(descriptor), "rb") else {
                close(descriptor)
                throw .cannotOpen(path: path, reason: "zlib could not open it")
            }
            gzbuffer(stream, 1 << 17)
            gzip = stream
        }
    }

    /// Standard input; error messages call it `<stdin>`.
    public static func standardInput() -> InputFile { InputFile() }

    private init() {
        path = "<stdin>"
        isRegularFile = false
        sizeHint = 0
        descriptor = 0
        ownsDescriptor = false
    }

    deinit {
        if let gzip { gzclose(gzip) }
        if ownsDescriptor { close(descriptor) }
    }

    /// Checks that `path` can be opened for reading (it exists, is readable and is not a folder)
    /// without keeping it open: lets a tool check all its inputs up front, then open them one at a
    /// time. Throws what `init(path:)` would.
    public static func checkReadable(_ path: String) throws(FileError) {
        _ = try InputFile(path: path, decompress: false)
    }

    /// Reads up to `count` bytes into `buffer`; returns how many, 0 only at the end. `linesBefore`
    /// (complete lines delivered so far) only goes into a damaged-gzip error.
    public func read(into buffer: UnsafeMutableRawPointer, count: Int, linesBefore: Int = 0) throws(FileError) -> Int {
        if let gzip {
            let n = gzread(gzip, buffer, UInt32(min(count, 1 << 30)))
            var code: Int32 = Z_OK
            let message = gzerror(gzip, &code)
            if n < 0 || (n == 0 && code == Z_BUF_ERROR) {
                throw .damagedGzip(path: path, line: linesBefore, reason: code == Z_ERRNO ? FileError.systemReason() : Self.reason(message, code))
            }
            return Int(n)
        }
        while true {
            let n = readDescriptor(descriptor, buffer, count)
            if n >= 0 { return n }
            if errno != EINTR { throw .readFailed(path: path, reason: FileError.systemReason()) }
        }
    }

    /// zlib's message without the "<fd:N>: " it puts first for a stream opened with gzdopen.
    private static func reason(_ message: UnsafePointer<CChar>?, _ code: Int32) -> String {
        guard let message else { return "zlib error \(code)" }
        let text = String(cString: message)
        guard text.hasPrefix("<fd:"), let separator = text.range(of: ">: ") else { return text }
        return String(text[separator.upperBound...])
    }

    /// Everything left in the file.
    public func readAll() throws(FileError) -> [UInt8] {
        var bytes: [UInt8] = []
        var capacity = max(sizeHint + 1, 1 << 16)  // + 1: the end is seen without growing
        var filled = 0
        while true {
            bytes.append(contentsOf: repeatElement(0, count: capacity - bytes.count))
            var failure: FileError?
            filled = bytes.withUnsafeMutableBytes { buffer -> Int in
                var filled = filled
                while filled < buffer.count {
                    do throws(FileError) {
                        let n = try read(into: buffer.baseAddress! + filled, count: buffer.count - filled)
                        if n == 0 { break }
                        filled += n
                    } catch {
                        failure = error
                        break
                    }
                }
                return filled
            }
            if let failure { throw failure }
            if filled < capacity {
                bytes.removeLast(capacity - filled)
                return bytes
            }
            capacity *= 2  // the file grew while it was read, its size was unknown, or it is compressed
        }
    }
}

/// POSIX `read` (inside `InputFile` the name means the method).
private func readDescriptor(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
