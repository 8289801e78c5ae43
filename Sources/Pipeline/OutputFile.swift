import FileIO
import Foundation

/// Checks made before long work whose result goes to a file, so that a bad path fails at once
/// rather than after the work (a training run, a test set decoded).
public enum OutputFile {
    /// Throws `PATH: cannot write WHAT: why` unless `path`'s folder exists and is writable and
    /// `path` is not itself a folder.
    public static func checkWritable(_ path: String, what: String) throws {
        let folder = AtomicFile.folder(of: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DataError(path: path, "cannot write \(what): the folder '\(folder)' does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw DataError(path: path, "cannot write \(what): the folder '\(folder)' is not writable")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw DataError(path: path, "cannot write \(what): it is a folder")
        }
    }
}
