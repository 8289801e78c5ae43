import FileIO
import Foundation
import Tensor

extension ModelFile {
    /// Writes the model to `path` atomically and durably (`AtomicFile`: temporary file, fsync,
    /// rename, fsync of the folder): if anything fails, whatever was at `path` before is
    /// unchanged. The same model always gives the same bytes.
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

    /// Replaces the file at `path` by `bytes` (`AtomicFile`). Throws `ModelFileError.writeFailed`.
    static func replaceFile(at path: String, with bytes: Data) throws(ModelFileError) {
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw ModelFileError(path: path, problem: .writeFailed(error.reason))
        }
    }
}
