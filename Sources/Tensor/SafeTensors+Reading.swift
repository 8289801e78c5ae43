import FileIO
import Foundation

extension SafeTensors {
    /// Reads and validates the file at `url` (read whole, not memory-mapped, so a file truncated
    /// while it is read gives short data rather than a crash).
    public init(contentsOf url: URL) throws {
        let bytes: [UInt8]
        do throws(FileError) {
            bytes = try InputFile(path: url.path, decompress: false).readAll()
        } catch {
            throw SafeTensorsError(path: url.path, problem: .io("cannot read: \(error.reason)"))
        }
        try self.init(decoding: Data(bytes), path: url.path)
    }

    /// Parses and validates a file's bytes. `path` only names the file in errors.
    ///
    /// Checks, each a distinct `SafeTensorsError.Problem`: the length prefix is present and the
    /// header fits in the file; the header is a JSON object of entries with a supported dtype, a
    /// shape of non-negative integers and two ordered `data_offsets` inside the data buffer, whose
    /// length is shape × dtype size; the tensors neither overlap nor leave bytes uncovered;
    /// `__metadata__`, if present, maps strings to strings.
    public init(decoding data: Data, path: String = "<memory>") throws {
        func fail(_ problem: SafeTensorsError.Problem) -> SafeTensorsError {
            SafeTensorsError(path: path, problem: problem)
        }
        guard data.count >= 8 else { throw fail(.truncated(size: data.count)) }
        let headerLength = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        let available = data.count - 8
        guard headerLength <= UInt64(Self.maximumHeaderLength) else {
            throw fail(.headerTooLarge(headerLength: headerLength, limit: Self.maximumHeaderLength))
        }
        guard headerLength <= UInt64(available) else {
            throw fail(.headerLengthBeyondFile(headerLength: headerLength, available: available))
        }
        let start = data.startIndex
        let headerBytes = data[(start + 8)..<(start + 8 + Int(headerLength))]
        let bufferStart = 8 + Int(headerLength)
        let bufferSize = data.count - bufferStart

        let object: [String: JSONValue]
        do {
            let json = try JSONDecoder().decode(JSONValue.self, from: Data(headerBytes))
            guard case .object(let dictionary) = json else {
                throw fail(.invalidHeader("the header is \(json.kind), not a JSON object"))
            }
            object = dictionary
        } catch let error as SafeTensorsError {
            throw error
        } catch {
            throw fail(.invalidJSON(Self.describe(error)))
        }

        var metadata: [String: String] = [:]
        struct Entry { let name: String; let dtype: DType; let shape: [Int]; let begin: Int; let end: Int }
        var entries: [Entry] = []
        for (name, value) in object {
            if name == "__metadata__" {
                guard case .object(let pairs) = value else {
                    throw fail(.invalidHeader("__metadata__ is \(value.kind), not an object of strings"))
                }
                for (key, value) in pairs {
                    guard case .string(let string) = value else {
                        throw fail(.invalidHeader("__metadata__ value of '\(key)' is \(value.kind), not a string"))
                    }
                    metadata[key] = string
                }
                continue
            }
            guard case .object(let fields) = value else {
                throw fail(.invalidEntry(tensor: name, "the entry is \(value.kind), not an object"))
            }
            guard case .string(let dtypeName) = fields["dtype"] else {
                throw fail(.invalidEntry(tensor: name, "'dtype' is missing or not a string"))
            }
            guard case .array(let shapeValues) = fields["shape"],
                  let shape = shapeValues.integers, shape.allSatisfy({ $0 >= 0 })
            else { throw fail(.invalidEntry(tensor: name, "'shape' is missing or not an array of non-negative integers")) }
            guard case .array(let offsetValues) = fields["data_offsets"],
                  let offsets = offsetValues.integers, offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1]
            else {
                throw fail(.invalidEntry(tensor: name, "'data_offsets' is missing or not two integers 0 ≤ begin ≤ end"))
            }
            guard checkedProduct(shape.dropLast()) != nil else {
                throw fail(.invalidEntry(tensor: name, "the shape \(shape) overflows"))
            }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw fail(.unsupportedDType(tensor: name, dtype: dtypeName))
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard end <= bufferSize else {
                throw fail(.offsetsOutOfRange(tensor: name, begin: begin, end: end, bufferSize: bufferSize))
            }
            let expectedBytes = checkedProduct(shape + [dtype.size]) ?? Int.max
            guard expectedBytes == end - begin else {
                throw fail(.sizeMismatch(tensor: name, shape: shape, dtype: dtypeName,
                                         expectedBytes: expectedBytes, actualBytes: end - begin))
            }
            entries.append(Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end))
        }

        // The tensors must tile the buffer: sorted by offsets, each starts where the previous ends.
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var cursor = 0
        var previous: String?
        for entry in entries {
            if entry.begin < cursor, let previous { throw fail(.overlappingTensors(previous, entry.name)) }
            if entry.begin > cursor { throw fail(.uncoveredBytes(begin: cursor, end: entry.begin)) }
            cursor = entry.end
            previous = entry.name
        }
        guard cursor == bufferSize else { throw fail(.uncoveredBytes(begin: cursor, end: bufferSize)) }

        var tensors: [Tensor] = []
        tensors.reserveCapacity(entries.count)
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let buffer = raw.baseAddress.map { $0 + bufferStart }
            for entry in entries {
                let (rows, cols) = Self.matrixShape(for: entry.shape)
                var values = Matrix<Float>(rows: rows, cols: cols)
                if let buffer, values.count > 0 {
                    values.storage.withUnsafeMutableBufferPointer { entry.dtype.decode(from: buffer + entry.begin, into: $0) }
                }
                tensors.append(Tensor(name: entry.name, shape: entry.shape, dtype: entry.dtype, values: values))
            }
        }
        self.init(tensors: tensors, metadata: metadata)
    }

    /// A short reason for a JSON decoding failure.
    static func describe(_ error: Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            if let underlying = context.underlyingError { return "\(underlying)" }
            return context.debugDescription
        }
        return "\(error)"
    }
}

/// The product of `values`, or nil if it overflows Int (before a zero would bring it back).
func checkedProduct<C: Collection<Int>>(_ values: C) -> Int? {
    var product = 1
    for value in values {
        let (next, overflow) = product.multipliedReportingOverflow(by: value)
        if overflow { return nil }
        product = next
    }
    return product
}
