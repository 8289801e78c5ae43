import Tensor

/// A model file that could not be read, written, or used for the task at hand.
///
/// `description` is "<path>: <what is wrong>. <what to do>", for example
/// "sentiment.safetensors: holds a tagger model, not a sentiment model. Pass a sentiment model
/// file." Models being built in memory (not yet written) are named `<memory>`.
public struct ModelFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The parts of a model file that are JSON documents with their own checksum.
    public enum Document: String, Equatable, Sendable {
        case configuration
        case provenance
    }

    public enum Problem: Equatable, Sendable {
        /// No file at the path.
        case missing
        /// The file exists but could not be opened or read (a directory, no permission, ...).
        case unreadable(String)
        /// The bytes are not a valid safetensors file (truncated, corrupted header, ...).
        case notSafeTensors(SafeTensorsError.Problem)
        /// A valid safetensors file whose metadata has no "format" key (nil) or another format.
        case notAModel(format: String?)
        /// A "format_version" newer than this build reads.
        case newerVersion(found: Int, supported: Int)
        /// A "format_version" that is missing, not a positive integer, or not one nlp ever wrote.
        case invalidVersion(String?)
        /// A metadata key every model file has is absent.
        case missingKey(String)
        /// A "task" this build does not know.
        case unknownTask(String)
        /// The file holds a model for another task than the one asked for.
        case wrongTask(found: Task, expected: Task)
        /// The tensor data's SHA-256 differs from the one recorded in the file.
        case tensorChecksumMismatch(recorded: String, computed: String)
        /// A JSON document's SHA-256 differs from the one recorded in the file.
        case documentChecksumMismatch(Document, recorded: String, computed: String)
        /// A document is not valid UTF-8 JSON.
        case invalidJSON(Document, String)
        /// A document is valid JSON but does not decode as the type asked for.
        case cannotDecode(Document, type: String, String)
        /// A document could not be encoded as JSON (for example a NaN number).
        case cannotEncode(Document, String)
        /// The tensors cannot be stored (a name used twice, a shape that does not fit its values).
        case invalidTensors(String)
        /// Writing failed; the file at the path, if any, is unchanged.
        case writeFailed(String)
        /// An int8 tensor without its scales, scales without their tensor, or scales of another
        /// shape (see `ModelFile.quantizedToInt8()`).
        case invalidQuantization(String)
    }

    /// The file, or `<memory>` for a model not yet written.
    public let path: String
    public let problem: Problem

    public init(path: String, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    public var description: String {
        let message = problem.message
        return "\(path): \(message)\(message.hasSuffix(".") ? "" : ".") \(problem.hint)."
    }
}

extension ModelFileError.Problem {
    /// What is wrong, as the continuation of "<path>: ".
    var message: String {
        switch self {
        case .missing:
            return "no such file"
        case .unreadable(let reason):
            return "cannot read the file: \(reason)"
        case .notSafeTensors(let problem):
            return "is not a valid model file (not a readable safetensors file: \(problem))"
        case .notAModel(let format):
            let detail = format.map { "its metadata says format '\($0)', not '\(ModelFile.formatName)'" }
                ?? "its metadata has no \"format\" key"
            return "is a safetensors file but not an nlp model file (\(detail))"
        case .newerVersion(let found, let supported):
            return "written by a newer version of nlp (format \(found); this build reads \(supported))"
        case .invalidVersion(let version):
            guard let version else { return "has no \"format_version\" in its metadata" }
            return "has an invalid format version '\(version)' (expected a whole number from 1 to \(ModelFile.currentVersion))"
        case .missingKey(let key):
            return "lacks the metadata key \"\(key)\" that every nlp model file has"
        case .unknownTask(let task):
            let known = Task.allCases.map(\.rawValue).joined(separator: ", ")
            return "holds a model for the task '\(task)', which this build does not know (it knows \(known))"
        case .wrongTask(let found, let expected):
            return "holds a \(found.rawValue) model, not a \(expected.rawValue) model"
        case .tensorChecksumMismatch(let recorded, let computed):
            return "is corrupted: tensor data checksum mismatch (recorded SHA-256 \(recorded), the data hashes to \(computed))"
        case .documentChecksumMismatch(let document, let recorded, let computed):
            return "is corrupted: \(document.rawValue) checksum mismatch (recorded SHA-256 \(recorded), the \(document.rawValue) hashes to \(computed))"
        case .invalidJSON(let document, let reason):
            return "its \(document.rawValue) is not valid JSON: \(reason)"
        case .cannotDecode(let document, let type, let reason):
            return "its \(document.rawValue) does not decode as \(type): \(reason)"
        case .cannotEncode(let document, let reason):
            return "cannot encode the \(document.rawValue) as JSON: \(reason)"
        case .invalidTensors(let reason):
            return "cannot store the tensors: \(reason)"
        case .writeFailed(let reason):
            return "cannot write the model file: \(reason)"
        case .invalidQuantization(let reason):
            return "has inconsistent int8 tensors: \(reason)"
        }
    }

    /// What the user can do about it.
    var hint: String {
        switch self {
        case .missing:
            return "Check the path"
        case .unreadable:
            return "Check that the path is a regular file you may read"
        case .notSafeTensors, .tensorChecksumMismatch, .documentChecksumMismatch:
            return "The file is damaged or incomplete (an interrupted copy or download?); copy it again or retrain the model"
        case .notAModel:
            return "Pass a model file written by nlp; other safetensors files hold tensors but not the configuration a model needs"
        case .newerVersion:
            return "Update nlp to read it, or retrain the model with this version"
        case .invalidVersion, .missingKey, .unknownTask, .invalidJSON:
            return "The file was not written by this version of nlp or was edited; retrain the model, or update nlp"
        case .wrongTask(_, let expected):
            return "Pass a \(expected.rawValue) model file, or use the command for the task the file holds"
        case .cannotDecode:
            return "The model was written by a version of nlp with a different configuration layout; retrain it with this version"
        case .cannotEncode:
            return "Configuration and provenance must be JSON-encodable (no NaN or infinite numbers)"
        case .invalidTensors:
            return "This is a bug in the code that builds the model; report it"
        case .writeFailed:
            return "The previous file at this path, if any, is unchanged; check the directory exists, is writable and has space"
        case .invalidQuantization:
            return "The file is damaged or was not written by 'nlp quantize'; quantize the original model again"
        }
    }
}
