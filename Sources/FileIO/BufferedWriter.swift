#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes bytes to a file descriptor in large chunks.
///
/// Producers append to `buffer` directly and call `flushIfFull()` now and then; the writer issues
/// one `write(2)` per `threshold` bytes instead of one per token or line. Call `flush()` at the end
/// (the deinitializer does not flush: a failed write must be reported, not swallowed).
public final class BufferedWriter {
    /// Pending bytes. Append to it freely.
    public var buffer: [UInt8] = []
    /// Flush once the buffer holds this many bytes.
    public let threshold: Int
    /// The name used in error messages.
    public let name: String
    private let fd: Int32
    private let ownsDescriptor: Bool

    /// Writes to standard output.
    public init(standardOutputWithThreshold threshold: Int = 1 << 16) {
        self.fd = 1
        self.name = "<stdout>"
        self.ownsDescriptor = false
        self.threshold = threshold
        buffer.reserveCapacity(threshold * 2)
    }

    /// Creates or truncates `path` for writing (mode 0644).
    public init(path: String, threshold: Int = 1 << 16) throws(FileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: FileError.systemReason()) }
        self.fd = fd
        self.name = path
        self.ownsDescriptor = true
        self.threshold = threshold
        buffer.reserveCapacity(threshold * 2)
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// Appends `text`'s UTF-8 bytes to the buffer.
    public func append(_ text: some StringProtocol) {
        buffer.append(contentsOf: text.utf8)
    }

    /// Flushes when the buffer has reached the threshold.
    @inline(__always)
    public func flushIfFull() throws(FileError) {
        if buffer.count >= threshold { try flush() }
    }

    /// Writes out everything buffered.
    public func flush() throws(FileError) {
        let failure = buffer.withUnsafeBytes { writeAll(fd, $0) }
        buffer.removeAll(keepingCapacity: true)
        if let failure { throw .writeFailed(path: name, reason: failure) }
    }
}
