#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes all of `bytes` to `descriptor`, retrying interrupted and partial writes (at most 1 GiB
/// per call). Returns the system's reason if a write fails, nil when everything was written.
func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> String? {
    var offset = 0
    while offset < bytes.count {
        let count = write(descriptor, bytes.baseAddress! + offset, min(bytes.count - offset, 1 << 30))
        if count < 0 {
            if errno == EINTR { continue }
            return FileError.systemReason()
        }
        offset += count
    }
    return nil
}
