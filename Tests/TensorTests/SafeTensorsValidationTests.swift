import Foundation
import Tensor
import XCTest

/// Every kind of broken safetensors file throws its own `SafeTensorsError`, naming the file, and
/// never crashes.
final class SafeTensorsValidationTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("safetensors-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// 8-byte little-endian length, header, data.
    func file(length: UInt64? = nil, header: String, data: [UInt8] = []) -> Data {
        let headerBytes = Array(header.utf8)
        var bytes = withUnsafeBytes(of: (length ?? UInt64(headerBytes.count)).littleEndian) { Array($0) }
        bytes += headerBytes + data
        return Data(bytes)
    }

    /// Writes `data` to a file, reads it, and checks the error's problem and that it names the file.
    func expect(_ data: Data, _ expected: SafeTensorsError.Problem? = nil, matching: ((SafeTensorsError.Problem) -> Bool)? = nil,
                file: StaticString = #filePath, line: UInt = #line) throws {
        let url = directory.appendingPathComponent("case\(line).safetensors")
        try data.write(to: url)
        XCTAssertThrowsError(try SafeTensors(contentsOf: url), file: file, line: line) { error in
            guard let error = error as? SafeTensorsError else {
                return XCTFail("not a SafeTensorsError: \(error)", file: file, line: line)
            }
            if let expected { XCTAssertEqual(error.problem, expected, file: file, line: line) }
            if let matching { XCTAssertTrue(matching(error.problem), "\(error)", file: file, line: line) }
            XCTAssertEqual(error.path, url.path, file: file, line: line)
            XCTAssertTrue(error.description.contains("case\(line).safetensors"), error.description, file: file, line: line)
        }
    }

    func tensorEntry(_ name: String, _ shape: [Int], _ begin: Int, _ end: Int, dtype: String = "F32") -> String {
        "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(begin),\(end)]}"
    }

    let eightBytes: [UInt8] = [0, 0, 128, 63, 0, 0, 0, 64]  // [1, 2] as F32

    func testAValidHandMadeFileReads() throws {
        let data = file(header: "{\(tensorEntry("x", [2], 0, 8))}", data: eightBytes)
        XCTAssertEqual(try SafeTensors(decoding: data)["x"]?.values.storage, [1, 2])
        let empty = try SafeTensors(decoding: file(header: "{}"))
        XCTAssertTrue(empty.tensors.isEmpty && empty.metadata.isEmpty)
    }

    func testTruncatedLengthPrefix() throws {
        try expect(Data([1, 0, 0]), .truncated(size: 3))
        try expect(Data(), .truncated(size: 0))
    }

    func testHeaderLengthBeyondFile() throws {
        try expect(file(length: 1000, header: "{}"), .headerLengthBeyondFile(headerLength: 1000, available: 2))
        // A valid file cut inside its header.
        let valid = file(header: "{\(tensorEntry("x", [2], 0, 8))}", data: eightBytes)
        try expect(valid.prefix(20), matching: { if case .headerLengthBeyondFile = $0 { true } else { false } })
    }

    func testHeaderTooLarge() throws {
        try expect(file(length: UInt64.max, header: ""),
                   .headerTooLarge(headerLength: UInt64.max, limit: SafeTensors.maximumHeaderLength))
        try expect(file(length: 1 << 40, header: "{}"),
                   .headerTooLarge(headerLength: 1 << 40, limit: SafeTensors.maximumHeaderLength))
    }

    func testTruncatedData() throws {
        // A valid file missing its last 3 bytes: the tensor reaches past the buffer.
        let valid = file(header: "{\(tensorEntry("x", [2], 0, 8))}", data: eightBytes)
        try expect(valid.dropLast(3), .offsetsOutOfRange(tensor: "x", begin: 0, end: 8, bufferSize: 5))
    }

    func testInvalidJSON() throws {
        let isInvalidJSON: (SafeTensorsError.Problem) -> Bool = { if case .invalidJSON = $0 { true } else { false } }
        try expect(file(header: "{\"x\": {\"dtype\": \"F32\","), matching: isInvalidJSON)
        try expect(file(header: "not json at all"), matching: isInvalidJSON)
        try expect(file(header: ""), matching: isInvalidJSON)
        var bytes = Array(file(header: "{\"\u{FF}\":1}"))
        bytes[10] = 0xFF  // not UTF-8
        try expect(Data(bytes), matching: isInvalidJSON)
    }

    func testHeaderThatIsNotAnObjectOfEntries() throws {
        let isInvalidHeader: (SafeTensorsError.Problem) -> Bool = { if case .invalidHeader = $0 { true } else { false } }
        try expect(file(header: "[1, 2]"), matching: isInvalidHeader)
        try expect(file(header: "{\"__metadata__\": {\"a\": 1}}"), matching: isInvalidHeader)
        try expect(file(header: "{\"__metadata__\": [\"a\"]}"), matching: isInvalidHeader)

        func isInvalidEntry(_ name: String) -> (SafeTensorsError.Problem) -> Bool {
            { if case .invalidEntry(let tensor, _) = $0 { tensor == name } else { false } }
        }
        try expect(file(header: "{\"x\": 3}", data: eightBytes), matching: isInvalidEntry("x"))
        try expect(file(header: "{\"x\":{\"shape\":[2],\"data_offsets\":[0,8]}}", data: eightBytes), matching: isInvalidEntry("x"))
        try expect(file(header: "{\"x\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", data: eightBytes), matching: isInvalidEntry("x"))
        try expect(file(header: "{\"x\":{\"dtype\":\"F32\",\"shape\":[2]}}", data: eightBytes), matching: isInvalidEntry("x"))
        try expect(file(header: "{\(tensorEntry("x", [-2], 0, 8))}", data: eightBytes), matching: isInvalidEntry("x"))
        try expect(file(header: "{\"x\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", data: eightBytes),
                   matching: isInvalidEntry("x"))
        try expect(file(header: "{\"x\":{\"dtype\":\"F32\",\"shape\":[true],\"data_offsets\":[0,8]}}", data: eightBytes),
                   matching: isInvalidEntry("x"))
        try expect(file(header: "{\(tensorEntry("x", [2], 8, 0))}", data: eightBytes), matching: isInvalidEntry("x"))
        try expect(file(header: "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4,8]}}", data: eightBytes),
                   matching: isInvalidEntry("x"))
        try expect(file(header: "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}", data: eightBytes),
                   matching: isInvalidEntry("x"))
    }

    func testUnknownDType() throws {
        try expect(file(header: "{\(tensorEntry("ids", [1], 0, 8, dtype: "I64"))}", data: eightBytes),
                   .unsupportedDType(tensor: "ids", dtype: "I64"))
        try expect(file(header: "{\(tensorEntry("q", [2], 0, 8, dtype: "Q4"))}", data: eightBytes),
                   .unsupportedDType(tensor: "q", dtype: "Q4"))
    }

    func testOffsetsOutOfRange() throws {
        try expect(file(header: "{\(tensorEntry("x", [2], 4, 12))}", data: eightBytes),
                   .offsetsOutOfRange(tensor: "x", begin: 4, end: 12, bufferSize: 8))
        try expect(file(header: "{\(tensorEntry("x", [2], Int.max - 7, Int.max))}", data: eightBytes),
                   .offsetsOutOfRange(tensor: "x", begin: Int.max - 7, end: Int.max, bufferSize: 8))
    }

    func testShapeTimesDTypeSizeMustMatchTheBytes() throws {
        try expect(file(header: "{\(tensorEntry("x", [3], 0, 8))}", data: eightBytes),
                   .sizeMismatch(tensor: "x", shape: [3], dtype: "F32", expectedBytes: 12, actualBytes: 8))
        try expect(file(header: "{\(tensorEntry("x", [2], 0, 8, dtype: "F64"))}", data: eightBytes),
                   .sizeMismatch(tensor: "x", shape: [2], dtype: "F64", expectedBytes: 16, actualBytes: 8))
        // Leading dimensions whose product overflows, with a zero making the tensor empty.
        try expect(file(header: "{\(tensorEntry("x", [1 << 31, 1 << 31, 1 << 31, 0], 0, 0)),\(tensorEntry("y", [2], 0, 8))}", data: eightBytes),
                   matching: { if case .invalidEntry("x", _) = $0 { true } else { false } })
        // A shape whose byte count overflows is a mismatch, not a crash.
        try expect(file(header: "{\(tensorEntry("x", [1 << 62, 1 << 62], 0, 8))}", data: eightBytes),
                   .sizeMismatch(tensor: "x", shape: [1 << 62, 1 << 62], dtype: "F32", expectedBytes: Int.max, actualBytes: 8))
    }

    func testOverlappingTensors() throws {
        let twelve = eightBytes + [0, 0, 64, 64]
        try expect(file(header: "{\(tensorEntry("a", [2], 0, 8)),\(tensorEntry("b", [2], 4, 12))}", data: twelve),
                   .overlappingTensors("a", "b"))
        // The same range twice.
        try expect(file(header: "{\(tensorEntry("a", [2], 0, 8)),\(tensorEntry("b", [2], 0, 8))}", data: eightBytes),
                   .overlappingTensors("a", "b"))
    }

    func testBytesNotCoveredByTensors() throws {
        let twenty = eightBytes + eightBytes + [1, 2, 3, 4]
        // A gap between two tensors.
        try expect(file(header: "{\(tensorEntry("a", [2], 0, 8)),\(tensorEntry("b", [2], 12, 20))}", data: twenty),
                   .uncoveredBytes(begin: 8, end: 12))
        // Trailing bytes.
        try expect(file(header: "{\(tensorEntry("a", [2], 0, 8))}", data: eightBytes + [9, 9]),
                   .uncoveredBytes(begin: 8, end: 10))
        // Leading bytes.
        try expect(file(header: "{\(tensorEntry("a", [1], 4, 8))}", data: eightBytes),
                   .uncoveredBytes(begin: 0, end: 4))
    }

    func testMissingFile() throws {
        let url = directory.appendingPathComponent("absent.safetensors")
        XCTAssertThrowsError(try SafeTensors(contentsOf: url)) { error in
            guard case .io = (error as? SafeTensorsError)?.problem else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("absent.safetensors"))
        }
    }

    /// Every single-byte corruption of a valid file either reads or throws a SafeTensorsError.
    func testSingleByteCorruptionsNeverCrash() throws {
        let valid = file(header: "{\"__metadata__\":{\"k\":\"v\"},\(tensorEntry("a", [2], 0, 8)),\(tensorEntry("b", [2], 8, 12, dtype: "F16"))}",
                         data: eightBytes + [0, 60, 0, 188])
        XCTAssertEqual(try SafeTensors(decoding: valid)["b"]?.values.storage, [1, -1])
        var failures = 0
        for i in 0..<valid.count {
            for replacement: UInt8 in [0, 0x22, 0x7B, 0xFF] where valid[i] != replacement {
                var corrupted = valid
                corrupted[i] = replacement
                do { _ = try SafeTensors(decoding: corrupted) } catch is SafeTensorsError { failures += 1 }
            }
        }
        XCTAssertGreaterThan(failures, valid.count)
    }
}
