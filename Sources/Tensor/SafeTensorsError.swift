/// A safetensors file that could not be read or written, or whose tensors do not fit the
/// parameters they are loaded into. `description` names the file and the problem.
public struct SafeTensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Problem: Equatable, Sendable {
        /// The file could not be opened, read, written or renamed into place.
        case io(String)
        /// Fewer than the 8 bytes of the header length.
        case truncated(size: Int)
        /// The header length exceeds the bytes after it.
        case headerLengthBeyondFile(headerLength: UInt64, available: Int)
        /// The header length exceeds `SafeTensors.maximumHeaderLength`.
        case headerTooLarge(headerLength: UInt64, limit: Int)
        /// The header is not UTF-8 JSON.
        case invalidJSON(String)
        /// The JSON is not a safetensors header (not an object, a bad `__metadata__`, ...).
        case invalidHeader(String)
        /// A tensor entry lacks a field or has one of the wrong form.
        case invalidEntry(tensor: String, String)
        /// A dtype other than I8, F16, BF16, F32, F64.
        case unsupportedDType(tensor: String, dtype: String)
        /// `data_offsets` reach past the data buffer.
        case offsetsOutOfRange(tensor: String, begin: Int, end: Int, bufferSize: Int)
        /// Two tensors' bytes overlap.
        case overlappingTensors(String, String)
        /// Bytes of the data buffer that belong to no tensor (a gap, or trailing bytes).
        case uncoveredBytes(begin: Int, end: Int)
        /// shape × dtype size differs from the tensor's byte length.
        case sizeMismatch(tensor: String, shape: [Int], dtype: String, expectedBytes: Int, actualBytes: Int)
        /// Writing: a name used twice, or the reserved `__metadata__`.
        case invalidName(String)
        /// Writing: a shape that does not fit the matrix's scalars (or has negative sizes).
        case shapeMismatch(tensor: String, shape: [Int], count: Int)
        /// Loading parameters: names the parameters need and the file lacks, and the reverse.
        case parameterNameMismatch(missing: [String], unexpected: [String])
        /// Loading parameters: a tensor whose shape differs from its parameter's.
        case parameterShapeMismatch(name: String, expected: [Int], found: [Int])
    }

    /// The file (or `<memory>` for in-memory data).
    public let path: String
    public let problem: Problem

    public init(path: String, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "safetensors file '\(path)': \(problem)" }
}

extension SafeTensorsError.Problem: CustomStringConvertible {
    public var description: String {
        switch self {
        case .io(let message):
            return message
        case .truncated(let size):
            return "truncated: \(size) bytes, fewer than the 8-byte header length"
        case .headerLengthBeyondFile(let length, let available):
            return "truncated or corrupt: the header length \(length) exceeds the \(available) bytes after it"
        case .headerTooLarge(let length, let limit):
            return "header length \(length) exceeds the limit of \(limit) bytes"
        case .invalidJSON(let message):
            return "the header is not valid JSON: \(message)"
        case .invalidHeader(let message):
            return "invalid header: \(message)"
        case .invalidEntry(let tensor, let message):
            return "tensor '\(tensor)': \(message)"
        case .unsupportedDType(let tensor, let dtype):
            return "tensor '\(tensor)': dtype '\(dtype)' is not supported (I8, F16, BF16, F32, F64 are)"
        case .offsetsOutOfRange(let tensor, let begin, let end, let size):
            return "tensor '\(tensor)': data_offsets [\(begin), \(end)] lie outside the \(size)-byte data buffer"
        case .overlappingTensors(let first, let second):
            return "the bytes of tensors '\(first)' and '\(second)' overlap"
        case .uncoveredBytes(let begin, let end):
            return "bytes \(begin)..<\(end) of the data buffer belong to no tensor"
        case .sizeMismatch(let tensor, let shape, let dtype, let expected, let actual):
            return "tensor '\(tensor)': shape \(shape) of \(dtype) needs \(expected) bytes, data_offsets give \(actual)"
        case .invalidName(let message):
            return message
        case .shapeMismatch(let tensor, let shape, let count):
            return "tensor '\(tensor)': shape \(shape) does not fit \(count) values"
        case .parameterNameMismatch(let missing, let unexpected):
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing parameters \(missing.joined(separator: ", "))") }
            if !unexpected.isEmpty { parts.append("unexpected tensors \(unexpected.joined(separator: ", "))") }
            return parts.joined(separator: "; ")
        case .parameterShapeMismatch(let name, let expected, let found):
            return "parameter '\(name)' has shape \(expected), the file's tensor has \(found)"
        }
    }
}
