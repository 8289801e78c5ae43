import FileIO
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Named tensors and string metadata in Hugging Face's safetensors format, read and written.
///
/// The format: an 8-byte little-endian u64 header length N, N bytes of JSON header
///
///     {"__metadata__": {"k": "v"}, "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [b, e]}, ...}
///
/// then the data buffer, in which tensor `name` occupies bytes b..<e (little-endian, row-major) and
/// the tensors cover the buffer exactly, without gaps or overlaps.
///
/// In memory every tensor is a `Matrix<Float>` whose rows are the product of the leading dimensions
/// and whose columns are the last one: shape [] → (1, 1), [n] → (1, n), [r, c] → (r, c),
/// [t, b, d] → (t·b, d). I8, F16, BF16, F32 and F64 are supported both ways (see `DType`).
///
/// Writing is deterministic (header keys sorted, data ordered by element size then name, header
/// padded with spaces to a multiple of 8 as the reference writer does), so the same tensors give
/// the same bytes, and atomic (`AtomicFile`: a synced temporary file in the same directory
/// renamed over the target).
/// Reading validates everything and throws `SafeTensorsError` naming the file and the problem.
public struct SafeTensors: Equatable, Sendable {
    /// One named tensor.
    public struct Tensor: Equatable, Sendable {
        public var name: String
        /// The shape as stored in the file.
        public var shape: [Int]
        /// The element type in the file.
        public var dtype: DType
        public var values: Matrix<Float>

        public init(name: String, shape: [Int], dtype: DType = .f32, values: Matrix<Float>) {
            self.name = name
            self.shape = shape
            self.dtype = dtype
            self.values = values
        }
    }

    /// The reference implementation's limit on the header length.
    public static let maximumHeaderLength = 100_000_000

    /// The tensors, in the order given (when built) or of their data offsets (when read).
    public var tensors: [Tensor]
    public var metadata: [String: String]

    public init(tensors: [Tensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor called `name`, if any.
    public subscript(name: String) -> Tensor? {
        tensors.first { $0.name == name }
    }

    /// The matrix shape the values of a tensor of `shape` take: (product of leading dims, last dim).
    public static func matrixShape(for shape: [Int]) -> (rows: Int, cols: Int) {
        guard let last = shape.last else { return (1, 1) }
        return (shape.dropLast().reduce(1, *), last)
    }
}

// MARK: - Writing

extension SafeTensors {
    /// Writes `tensors` (each as `dtype`) and `metadata` to `url` atomically.
    public static func write(
        _ tensors: [(name: String, shape: [Int], values: Matrix<Float>)], metadata: [String: String] = [:],
        dtype: DType = .f32, to url: URL
    ) throws {
        try SafeTensors(
            tensors: tensors.map { Tensor(name: $0.name, shape: $0.shape, dtype: dtype, values: $0.values) },
            metadata: metadata
        ).write(to: url)
    }

    /// Writes the file atomically and durably (`AtomicFile`): a crash or error midway leaves
    /// whatever was at `url` before.
    public func write(to url: URL) throws {
        let bytes = try encoded(path: url.path)
        do throws(FileError) {
            try AtomicFile.write(bytes, to: url.path)
        } catch {
            throw SafeTensorsError(path: url.path, problem: .io(error.reason))
        }
    }

    /// The file's bytes. `path` only names the file in errors.
    public func encoded(path: String = "<memory>") throws -> Data {
        func fail(_ problem: SafeTensorsError.Problem) -> SafeTensorsError {
            SafeTensorsError(path: path, problem: problem)
        }
        var seen = Set<String>()
        for tensor in tensors {
            guard tensor.name != "__metadata__" else {
                throw fail(.invalidName("'__metadata__' is reserved and cannot name a tensor"))
            }
            guard seen.insert(tensor.name).inserted else {
                throw fail(.invalidName("the name '\(tensor.name)' is used by more than one tensor"))
            }
            guard tensor.shape.allSatisfy({ $0 >= 0 }),
                  checkedProduct(tensor.shape.dropLast()) != nil,
                  checkedProduct(tensor.shape) == tensor.values.count
            else { throw fail(.shapeMismatch(tensor: tensor.name, shape: tensor.shape, count: tensor.values.count)) }
        }
        // Data: larger elements first (so every tensor is aligned to its element size), then by name.
        let layout = tensors.sorted { ($0.dtype.size, $1.name) > ($1.dtype.size, $0.name) }
        var offsets: [String: (Int, Int)] = [:]
        var dataSize = 0
        for tensor in layout {
            let bytes = tensor.values.count * tensor.dtype.size
            offsets[tensor.name] = (dataSize, dataSize + bytes)
            dataSize += bytes
        }
        // Header: "__metadata__" first (if any), then the tensors by name.
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        for tensor in tensors.sorted(by: { $0.name < $1.name }) {
            let (begin, end) = offsets[tensor.name]!
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append("\(jsonString(tensor.name)):{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(begin),\(end)]}")
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        header += Array(repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8)

        var data = Data(count: 8 + header.count + dataSize)
        data.withUnsafeMutableBytes { (raw: UnsafeMutableRawBufferPointer) in
            let base = raw.baseAddress!
            base.storeBytes(of: UInt64(header.count).littleEndian, toByteOffset: 0, as: UInt64.self)
            header.withUnsafeBytes { (base + 8).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            let buffer = base + 8 + header.count
            for tensor in layout {
                tensor.values.storage.withUnsafeBufferPointer {
                    tensor.dtype.encode($0, into: buffer + offsets[tensor.name]!.0)
                }
            }
        }
        return data
    }
}

/// `s` as a JSON string literal.
func jsonString(_ s: String) -> String {
    var result = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}
