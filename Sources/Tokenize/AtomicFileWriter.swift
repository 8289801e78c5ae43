#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces a file all at once: writes to a temporary file in the same directory, syncs it, then
/// renames it over the destination, so readers (and a crash or error midway) never see a
/// half-written file. On failure the temporary file is removed and the destination is untouched.
enum AtomicFileWriter {
    /// Writes `bytes` to `path` atomically.
    static func write(_ bytes: [UInt8], to path: String) throws(TokenizeError) {
        let temporary = temporaryPath(for: path)
        do {
            let writer = try BufferedWriter(path: temporary, threshold: 1 << 20)
            writer.buffer = bytes
            try writer.synchronize()
        } catch {
            unlink(temporary)
            throw error
        }
        if rename(temporary, path) != 0 {
            let reason = LineReader.systemError()
            unlink(temporary)
            throw .writeFailed(path: path, reason: reason)
        }
    }

    /// `dir/.name.tmp.<pid>` beside `path`.
    static func temporaryPath(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return "\(directory).\(name).tmp.\(getpid())"
    }
}
