import FileIO
import Foundation
import Tensor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A trained model in one file: a safetensors file (so PyTorch and Hugging Face's `safetensors`
/// read its tensors) whose `__metadata__` says what the tensors are and where they came from.
///
/// Metadata (every value a string, as safetensors requires):
///
///     "format":               "nlp-model"
///     "format_version":       "1"                       (ModelFile.currentVersion)
///     "task":                 "sentiment" | "tagger" | "translate"
///     "configuration":        JSON: the pipeline and model configuration, vocabularies, labels
///     "provenance":           JSON: training data files and their SHA-256, options, seed, metrics, dates
///     "configuration_sha256": SHA-256 (hex) of the UTF-8 bytes of "configuration"
///     "provenance_sha256":    SHA-256 (hex) of the UTF-8 bytes of "provenance"
///     "tensors_sha256":       SHA-256 (hex) of the data buffer (every byte after the header)
///
/// The data buffer depends on the tensors only (see `SafeTensors`), so its checksum can be stored
/// in the header before it. JSON is written with sorted keys, unescaped slashes and ISO 8601 dates
/// (whole seconds), so the same model gives the same bytes. Reading checks all of it and turns
/// every problem into a `ModelFileError` naming the file.
///
/// Not covered by a checksum: the format keys, "task" and the safetensors header's tensor index
/// (names, dtypes, shapes, offsets). A damaged index almost always breaks the safetensors
/// validation (sizes must tile the buffer exactly) or the loading of parameters by name and shape.
public struct ModelFile: Equatable, Sendable {
    /// The value of "format".
    public static let formatName = "nlp-model"
    /// The "format_version" this build writes and the newest it reads.
    public static let currentVersion = 1

    /// The metadata keys.
    enum Key {
        static let format = "format"
        static let formatVersion = "format_version"
        static let task = "task"
        static let configuration = "configuration"
        static let provenance = "provenance"
        static let configurationSHA256 = "configuration_sha256"
        static let provenanceSHA256 = "provenance_sha256"
        static let tensorsSHA256 = "tensors_sha256"
    }

    public var task: Task
    /// The configuration as a JSON document (UTF-8).
    public var configuration: Data
    /// Where the model came from, as a JSON document (UTF-8).
    public var provenance: Data
    /// The tensors; a model read from a file has them in name order.
    public var tensors: [SafeTensors.Tensor]

    /// A model whose configuration and provenance are encoded as JSON (sorted keys, ISO 8601
    /// dates). Throws `ModelFileError.Problem.cannotEncode` (path `<memory>`) if either cannot be
    /// encoded, for example because it holds a NaN.
    public init<C: Encodable, P: Encodable>(
        task: Task, configuration: C, provenance: P, tensors: [SafeTensors.Tensor]
    ) throws {
        self.init(
            task: task,
            configurationJSON: try Self.encode(configuration, as: .configuration),
            provenanceJSON: try Self.encode(provenance, as: .provenance),
            tensors: tensors)
    }

    /// A model from already encoded JSON documents (stored byte for byte; `write` checks they are
    /// UTF-8 JSON).
    public init(task: Task, configurationJSON: Data, provenanceJSON: Data, tensors: [SafeTensors.Tensor]) {
        self.task = task
        self.configuration = configurationJSON
        self.provenance = provenanceJSON
        self.tensors = tensors
    }

    /// The configuration decoded as `type`. `path` names the file in errors.
    public func decodeConfiguration<C: Decodable>(_ type: C.Type, path: String) throws -> C {
        try Self.decode(type, from: configuration, as: .configuration, path: path)
    }

    /// The provenance decoded as `type`. `path` names the file in errors.
    public func decodeProvenance<P: Decodable>(_ type: P.Type, path: String) throws -> P {
        try Self.decode(type, from: provenance, as: .provenance, path: path)
    }

    /// The tensor called `name`, if any.
    public func tensor(named name: String) -> SafeTensors.Tensor? {
        tensors.first { $0.name == name }
    }

    // MARK: - Reading

    /// Reads and checks the model file at `path`; if `task` is given, the file must hold a model
    /// for it.
    ///
    /// Checks, in order, each failure a distinct `ModelFileError.Problem`: the file exists and
    /// reads; it is a valid safetensors file; its "format" is "nlp-model"; its "format_version" is
    /// a whole number this build reads; its "task" is known (and the one expected); the data
    /// buffer, configuration and provenance match their checksums; both documents are valid JSON;
    /// int8 tensors have their scales (they are returned multiplied by them, as F32: `dequantized`).
    public static func read(from path: String, expecting task: Task?) throws -> ModelFile {
        func fail(_ problem: ModelFileError.Problem) -> ModelFileError {
            ModelFileError(path: path, problem: problem)
        }
        let data = try contents(of: path)
        let file: SafeTensors
        do {
            file = try SafeTensors(decoding: data, path: path)
        } catch let error as SafeTensorsError {
            throw fail(.notSafeTensors(error.problem))
        }
        let metadata = file.metadata
        guard let format = metadata[Key.format] else { throw fail(.notAModel(format: nil)) }
        guard format == formatName else { throw fail(.notAModel(format: format)) }

        let versionText = metadata[Key.formatVersion]
        guard let versionText, let version = Int(versionText), String(version) == versionText, version >= 1 else {
            throw fail(.invalidVersion(versionText))
        }
        guard version <= currentVersion else { throw fail(.newerVersion(found: version, supported: currentVersion)) }

        guard let taskName = metadata[Key.task] else { throw fail(.missingKey(Key.task)) }
        guard let fileTask = Task(rawValue: taskName) else { throw fail(.unknownTask(taskName)) }
        if let task, task != fileTask { throw fail(.wrongTask(found: fileTask, expected: task)) }

        func value(_ key: String) throws -> String {
            guard let value = metadata[key] else { throw fail(.missingKey(key)) }
            return value
        }
        let recordedTensors = try value(Key.tensorsSHA256)
        let configuration = Data(try value(Key.configuration).utf8)
        let recordedConfiguration = try value(Key.configurationSHA256)
        let provenance = Data(try value(Key.provenance).utf8)
        let recordedProvenance = try value(Key.provenanceSHA256)

        // SafeTensors validated the length prefix: the data buffer starts after it and the header.
        let headerLength = data.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        let computedTensors = data.withUnsafeBytes { raw in
            var hasher = SHA256()
            hasher.update(UnsafeRawBufferPointer(rebasing: raw[(8 + headerLength)...]))
            return SHA256.hex(hasher.finalize())
        }
        guard computedTensors == recordedTensors else {
            throw fail(.tensorChecksumMismatch(recorded: recordedTensors, computed: computedTensors))
        }
        for (document, bytes, recorded) in [(ModelFileError.Document.configuration, configuration, recordedConfiguration),
                                             (.provenance, provenance, recordedProvenance)] {
            let computed = SHA256.hexDigest(bytes)
            guard computed == recorded else {
                throw fail(.documentChecksumMismatch(document, recorded: recorded, computed: computed))
            }
            try checkJSON(bytes, as: document, path: path)
        }
        return ModelFile(
            task: fileTask, configurationJSON: configuration, provenanceJSON: provenance,
            tensors: try dequantized(file.tensors.sorted { $0.name < $1.name }, path: path))
    }

    /// The bytes of the file at `path`, read whole (not memory-mapped, so a file truncated while
    /// it is read gives short data rather than a crash).
    static func contents(of path: String) throws(ModelFileError) -> Data {
        func fail(_ error: FileError) -> ModelFileError {
            switch error {
            case .missing:
                ModelFileError(path: path, problem: .missing)
            default:
                ModelFileError(path: path, problem: .unreadable(error.reason))
            }
        }
        let file: InputFile
        do throws(FileError) { file = try InputFile(path: path, decompress: false) } catch { throw fail(error) }
        guard file.isRegularFile else { throw ModelFileError(path: path, problem: .unreadable("it is not a regular file")) }
        do throws(FileError) { return Data(try file.readAll()) } catch { throw fail(error) }
    }

    // MARK: - JSON

    /// Encodes `value` as the file stores documents: sorted keys, unescaped slashes, ISO 8601 dates.
    static func encode<T: Encodable>(_ value: T, as document: ModelFileError.Document) throws(ModelFileError) -> Data {
        do {
            return try CanonicalJSON.data(value)
        } catch {
            throw ModelFileError(path: "<memory>", problem: .cannotEncode(document, describe(error)))
        }
    }

    /// Decodes a stored document as `type`.
    static func decode<T: Decodable>(
        _ type: T.Type, from data: Data, as document: ModelFileError.Document, path: String
    ) throws(ModelFileError) -> T {
        try checkJSON(data, as: document, path: path)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw ModelFileError(path: path, problem: .cannotDecode(document, type: "\(type)", describe(error)))
        }
    }

    /// Throws `invalidJSON` unless `data` is one UTF-8 JSON value (a top-level scalar is allowed).
    static func checkJSON(_ data: Data, as document: ModelFileError.Document, path: String) throws(ModelFileError) {
        guard Data(String(decoding: data, as: UTF8.self).utf8) == data else {
            throw ModelFileError(path: path, problem: .invalidJSON(document, "it is not valid UTF-8"))
        }
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw ModelFileError(path: path, problem: .invalidJSON(document, describe(error)))
        }
    }

    /// A short reason for a JSON encoding or decoding error, with the coding path where there is one.
    static func describe(_ error: Error) -> String {
        func at(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "at '\(path)': \(context.debugDescription)"
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            let path = (context.codingPath + [key]).map { $0.intValue.map(String.init) ?? $0.stringValue }
            return "the key '\(path.joined(separator: "."))' is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return at(context)
        case DecodingError.dataCorrupted(let context):
            if let underlying = context.underlyingError, context.codingPath.isEmpty { return "\(underlying)" }
            return at(context)
        case EncodingError.invalidValue(let value, let context):
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return "the value \(value) at '\(path)' cannot be encoded: \(context.debugDescription)"
        default:
            // Foundation's JSON parser puts the useful part (what and where) in the debug description.
            if let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String { return detail }
            return "\(error)"
        }
    }
}
