import Foundation
import Tensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ModelFile {
    /// Writes the model to `path` atomically and durably: the bytes go to a new temporary file
    /// beside `path`, which is synced to disk and then renamed over `path`; the directory is synced
    /// after the rename. If anything fails, the temporary file is removed and whatever was at
    /// `path` before is unchanged. The same model always gives the same bytes.
    ///
    /// Throws `ModelFileError` naming `path`: `invalidJSON` if a document is not UTF-8 JSON,
    /// `invalidTensors` if the tensors cannot be stored, `writeFailed` if the file system refuses.
    public func write(to path: String) throws {
        let bytes = try encoded(path: path)
        try Self.replaceFile(at: path, with: bytes)
    }

    /// The file's bytes. `path` only names the file in errors.
    public func encoded(path: String = "<memory>") throws -> Data {
        func fail(_ problem: ModelFileError.Problem) -> ModelFileError {
            ModelFileError(path: path, problem: problem)
        }
        try Self.checkJSON(configuration, as: .configuration, path: path)
        try Self.checkJSON(provenance, as: .provenance, path: path)
        // Both are valid UTF-8 (checked above), so decoding changes no byte.
        let configurationText = String(decoding: configuration, as: UTF8.self)
        let provenanceText = String(decoding: provenance, as: UTF8.self)
        do {
            let metadata = [
                Key.format: Self.formatName,
                Key.formatVersion: String(Self.currentVersion),
                Key.task: task.rawValue,
                Key.configuration: configurationText,
                Key.configurationSHA256: SHA256.hexDigest(configuration),
                Key.provenance: provenanceText,
                Key.provenanceSHA256: SHA256.hexDigest(provenance),
                Key.tensorsSHA256: try Self.dataBufferDigest(of: tensors),
            ]
            return try SafeTensors(tensors: tensors, metadata: metadata).encoded(path: path)
        } catch let error as SafeTensorsError {
            throw fail(.invalidTensors(error.problem.description))
        }
    }

    /// The SHA-256 of the data buffer a safetensors file of `tensors` has. The buffer does not
    /// depend on the metadata, so the tensors are encoded once without it (the encoded copy is
    /// freed on return, before the real file is encoded).
    static func dataBufferDigest(of tensors: [SafeTensors.Tensor]) throws -> String {
        let bytes = try SafeTensors(tensors: tensors).encoded()
        return bytes.withUnsafeBytes { raw in
            let headerLength = Int(UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)))
            var hasher = SHA256()
            hasher.update(UnsafeRawBufferPointer(rebasing: raw[(8 + headerLength)...]))
            return SHA256.hex(hasher.finalize())
        }
    }

    /// Replaces the file at `path` by `bytes`: a new temporary file beside it (O_EXCL | O_NOFOLLOW,
    /// so no existing file or link is reused), written, fsync'ed, closed, renamed over `path`, then
    /// the directory fsync'ed (best effort: the rename has happened by then). On failure the
    /// temporary file is removed and `path` is untouched.
    static func replaceFile(at path: String, with bytes: Data) throws(ModelFileError) {
        func fail(_ reason: String) -> ModelFileError {
            ModelFileError(path: path, problem: .writeFailed(reason))
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path

        var descriptor: Int32 = -1
        var temporary = ""
        for _ in 0..<100 {
            temporary = "\(directory).\(name).tmp.\(getpid()).\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if descriptor >= 0 || (errno != EEXIST && errno != EINTR) { break }
        }
        guard descriptor >= 0 else {
            throw fail("cannot create a temporary file in '\(directory.isEmpty ? "." : directory)': \(SHA256.systemError())")
        }

        var failure: String?
        bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                let count = writeBytes(descriptor, raw.baseAddress! + offset, min(raw.count - offset, 1 << 30))
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = "writing failed: \(SHA256.systemError())"
                    return
                }
                offset += count
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = "syncing to disk failed: \(SHA256.systemError())" }
        if close(descriptor) != 0, failure == nil { failure = "closing failed: \(SHA256.systemError())" }
        if failure == nil, rename(temporary, path) != 0 {
            failure = "cannot rename the temporary file into place: \(SHA256.systemError())"
        }
        if let failure {
            unlink(temporary)
            throw fail(failure)
        }
        let directoryDescriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }
}

/// POSIX `write` (inside `ModelFile` the name means `ModelFile.write`).
private func writeBytes(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
