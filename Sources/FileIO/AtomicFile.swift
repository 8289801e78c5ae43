#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The one way files are replaced: the bytes go to a new temporary file beside the destination
/// (created with O_EXCL | O_NOFOLLOW under a random name, so no existing file or symbolic link is
/// followed, truncated or reused), which is written, synced to disk (`fsync`), closed and renamed
/// over the destination; then the folder is synced, so the rename itself survives a power loss.
/// Readers, and a crash or error midway, never see a half-written file: on failure the temporary
/// file is removed and whatever was at the destination is unchanged.
public enum AtomicFile {
    /// Replaces the file at `path` by `bytes`. Throws `FileError.writeFailed` naming `path`, never
    /// the temporary file, and saying which step failed.
    public static func write(_ bytes: UnsafeRawBufferPointer, to path: String) throws(FileError) {
        func fail(_ reason: String) -> FileError { .writeFailed(path: path, reason: reason) }
        let (directory, name) = split(path)
        let folder = Self.folder(of: path)
        var descriptor: Int32 = -1
        var temporary = ""
        for _ in 0..<100 {
            temporary = "\(directory).\(name).tmp.\(getpid()).\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if descriptor >= 0 || (errno != EEXIST && errno != EINTR) { break }
        }
        guard descriptor >= 0 else {
            throw fail("cannot create a temporary file in '\(folder)': \(FileError.systemReason())")
        }
        var failure = writeAll(descriptor, bytes).map { "writing failed: \($0)" }
        if failure == nil, fsync(descriptor) != 0 { failure = "syncing to disk failed: \(FileError.systemReason())" }
        if close(descriptor) != 0, failure == nil { failure = "closing failed: \(FileError.systemReason())" }
        if failure == nil, rename(temporary, path) != 0 {
            failure = "cannot rename the temporary file into place: \(FileError.systemReason())"
        }
        if let failure {
            unlink(temporary)
            throw fail(failure)
        }
        // Best effort: the rename has happened by now, and some file systems refuse to sync a folder.
        let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            _ = fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    /// Replaces the file at `path` by `bytes` (`[UInt8]`, `Data`; see `write(_:to:)` on a buffer).
    public static func write(_ bytes: some ContiguousBytes, to path: String) throws(FileError) {
        let failure = bytes.withUnsafeBytes { raw -> FileError? in
            do throws(FileError) { try write(raw, to: path) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// Removes the temporary files of writes to `path` that were killed midway (`kill -9`, power
    /// loss): names exactly of the form `write` gives them (`.name.tmp.<pid>.<random hex>`) whose
    /// process no longer runs and which were last written over a minute ago (a writer in another
    /// PID namespace, which `kill` cannot see, is not a minute into a write). Anything else is
    /// left alone.
    public static func removeAbandonedTemporaries(for path: String) {
        let (directory, name) = split(path)
        let prefix = ".\(name).tmp."
        guard let folder = opendir(Self.folder(of: path)) else { return }
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

    /// The folder `path` is in, where its temporary file goes: "dir/name" → "dir", "/name" → "/",
    /// a bare name → ".". (By hand: NSString.deletingLastPathComponent traps on a one-character
    /// name.)
    public static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `dir/name` → ("dir/", "name"); a bare name → ("", name).
    static func split(_ path: String) -> (directory: String, name: String) {
        let slash = path.lastIndex(of: "/")
        return (slash.map { String(path[...$0]) } ?? "", slash.map { String(path[path.index(after: $0)...]) } ?? path)
    }
}
