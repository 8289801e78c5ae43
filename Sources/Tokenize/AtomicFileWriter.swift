#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces a file all at once: writes to a temporary file in the same directory, syncs it, then
/// renames it over the destination, so readers (and a crash or error midway) never see a
/// half-written file. On failure the temporary file is removed and the destination is untouched.
public enum AtomicFileWriter {
    /// Writes `bytes` to `path` atomically. Errors name `path`, never the temporary file.
    public static func write(_ bytes: [UInt8], to path: String) throws(TokenizeError) {
        let (writer, temporary) = try createTemporary(for: path)
        do {
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

    /// Creates a new temporary file beside `path` with O_EXCL | O_NOFOLLOW (so an existing file or
    /// symbolic link of that name is never followed, truncated or reused) under a random name,
    /// trying another name when one exists. The writer reports errors under `path`.
    static func createTemporary(for path: String) throws(TokenizeError) -> (BufferedWriter, String) {
        for _ in 0..<100 {
            let temporary = temporaryPath(for: path)
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if fd >= 0 {
                return (BufferedWriter(ownedDescriptor: fd, name: path, threshold: 1 << 20), temporary)
            }
            if errno == EEXIST || errno == EINTR { continue }
            throw .cannotOpen(path: path, reason: LineReader.systemError())
        }
        throw .cannotOpen(path: path, reason: "no unused temporary file name found beside it")
    }

    /// `dir/.name.tmp.<pid>.<random hex>` beside `path`.
    static func temporaryPath(for path: String) -> String {
        let (directory, name) = split(path)
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return "\(directory).\(name).tmp.\(getpid()).\(suffix)"
    }

    /// Removes the temporary files of writes to `path` that were killed midway (`kill -9`, power
    /// loss): names exactly of `temporaryPath`'s form whose process no longer runs and which were
    /// last written over a minute ago (a writer in another PID namespace, which `kill` cannot see,
    /// is not a minute into a write). Anything else is left alone.
    public static func removeAbandonedTemporaries(for path: String) {
        let (directory, name) = split(path)
        let prefix = ".\(name).tmp."
        guard let folder = opendir(directory.isEmpty ? "." : directory) else { return }
        defer { closedir(folder) }
        var abandoned: [String] = []
        while let entry = readdir(folder) {
            let file = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard file.hasPrefix(prefix) else { continue }
            let parts = file.dropFirst(prefix.count).split(separator: ".", omittingEmptySubsequences: false)
            let digits: ClosedRange<Character> = "0"..."9", hex: ClosedRange<Character> = "a"..."f"
            guard parts.count == 2, let first = parts[0].first, first != "0", parts[0].allSatisfy(digits.contains),
                  let pid = Int32(parts[0]), (1...16).contains(parts[1].count),
                  parts[1].allSatisfy({ digits.contains($0) || hex.contains($0) }) else { continue }
            var status = stat()
            guard kill(pid, 0) != 0 && errno == ESRCH, stat(directory + file, &status) == 0,
                  time(nil) - status.st_mtim.tv_sec > 60 else { continue }
            abandoned.append(directory + file)
        }
        for file in abandoned { unlink(file) }
    }

    /// `dir/name` → ("dir/", "name"); a bare name → ("", name).
    static func split(_ path: String) -> (directory: String, name: String) {
        let slash = path.lastIndex(of: "/")
        return (slash.map { String(path[...$0]) } ?? "", slash.map { String(path[path.index(after: $0)...]) } ?? path)
    }
}
