import Foundation
import Tensor
import XCTest

/// The safetensors reader and writer: the reference file written by the official library
/// (`Scripts/reference/make_safetensors_fixture.py`), round trips, determinism, atomic writes.
/// Corrupted files are in `SafeTensorsValidationTests`, parameter files in `SafeTensorsParameterTests`.
final class SafeTensorsTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("safetensors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    static func referenceURL() throws -> URL {
        try XCTUnwrap(Bundle.module.url(forResource: "reference", withExtension: "safetensors", subdirectory: "Fixtures"),
                      "Fixtures/reference.safetensors missing from the test bundle")
    }

    func testReadsFileWrittenByTheReferenceLibrary() throws {
        let file = try SafeTensors(contentsOf: Self.referenceURL())
        XCTAssertEqual(file.metadata, ["format": "pt", "source": "nlp reference fixture", "unicode": "héllo ✓"])
        XCTAssertEqual(Set(file.tensors.map(\.name)),
                       ["weight", "bias", "half", "half_rounded", "bf16", "double", "scalar", "empty", "stack.3d"])

        func check(_ name: String, _ dtype: SafeTensors.DType, _ shape: [Int], _ rows: Int, _ cols: Int,
                   _ values: [Float], line: UInt = #line) throws {
            let tensor = try XCTUnwrap(file[name], name, line: line)
            XCTAssertEqual(tensor.dtype, dtype, name, line: line)
            XCTAssertEqual(tensor.shape, shape, name, line: line)
            XCTAssertEqual(tensor.values.rows, rows, "\(name) rows", line: line)
            XCTAssertEqual(tensor.values.cols, cols, "\(name) cols", line: line)
            XCTAssertEqual(tensor.values.storage.map(\.bitPattern), values.map(\.bitPattern), name, line: line)
        }
        try check("weight", .f32, [2, 3], 2, 3, [1, -2.5, 3.25, 0, 0.001, -7])
        try check("bias", .f32, [3], 1, 3, [0.5, -0.25, 100])
        // F16: largest finite, smallest normal, smallest subnormal, negative zero.
        try check("half", .f16, [2, 3], 2, 3, [0.5, -1.5, 65504, 0x1p-14, 0x1p-24, -0.0])
        // Rounded by torch from float32; 70000 overflows to +inf. The exact half values:
        try check("half_rounded", .f16, [4], 1, 4, [0.0999755859375, 0.333251953125, 0.00010001659393310547, .infinity])
        try check("bf16", .bf16, [4], 1, 4, [0.10009765625, 0.333984375, -2, 0.00010013580322265625])
        try check("double", .f64, [2], 1, 2, [Float(0.1 as Double), -2.5])
        try check("scalar", .f32, [], 1, 1, [42])
        try check("empty", .f32, [0, 3], 0, 3, [])
        try check("stack.3d", .f32, [2, 2, 2], 4, 2, [0, 1, 2, 3, 4, 5, 6, 7])
    }

    /// The writer rounds float32 to F16 and BF16 exactly as torch does (the reference file's
    /// `half_rounded` and `bf16` were converted by torch from the same float32 values).
    func testWriterRoundsHalfPrecisionLikeTorch() throws {
        let reference = try SafeTensors(contentsOf: Self.referenceURL())
        let inputs: [(String, SafeTensors.DType, [Float])] = [
            ("half_rounded", .f16, [0.1, 1.0 / 3.0, 1e-4, 70000]),
            ("bf16", .bf16, [0.1, 1.0 / 3.0, -2, 1e-4]),
        ]
        for (name, dtype, values) in inputs {
            let written = SafeTensors(tensors: [.init(name: name, shape: [values.count], dtype: dtype,
                                                      values: Matrix(rows: 1, cols: values.count, storage: values))])
            let reread = try SafeTensors(decoding: written.encoded())
            XCTAssertEqual(try XCTUnwrap(reread[name]).values.storage.map(\.bitPattern),
                           try XCTUnwrap(reference[name]).values.storage.map(\.bitPattern), name)
        }
        // Ties round to even in BF16: 1 + 2⁻⁸ lies halfway between 1 and 1 + 2⁻⁷.
        let tie = SafeTensors(tensors: [.init(name: "t", shape: [2], dtype: .bf16,
                                              values: Matrix(rows: 1, cols: 2, storage: [1 + 0x1p-8, 1 + 3 * 0x1p-8]))])
        XCTAssertEqual(try SafeTensors(decoding: tie.encoded())["t"]?.values.storage, [1, 1 + 0x1p-6])
    }

    /// Reads the reference file and writes it again: the copy reads back the same. With
    /// NLP_SAFETENSORS_EXPORT set the copy goes there, for `Scripts/reference/check_swift_safetensors.py`
    /// to load with the official library.
    func testRewriteReferenceFile() throws {
        let reference = try SafeTensors(contentsOf: Self.referenceURL())
        let url = ProcessInfo.processInfo.environment["NLP_SAFETENSORS_EXPORT"].map { URL(fileURLWithPath: $0) }
            ?? directory.appendingPathComponent("rewritten.safetensors")
        try reference.write(to: url)
        let reread = try SafeTensors(contentsOf: url)
        XCTAssertEqual(reread.metadata, reference.metadata)
        XCTAssertEqual(reread.tensors.count, reference.tensors.count)
        for tensor in reference.tensors {
            XCTAssertEqual(reread[tensor.name], tensor, tensor.name)
        }
    }

    func testRoundTripsEveryDTypeAndRank() throws {
        var generator = SeededGenerator(seed: 7)
        let shapes: [[Int]] = [[], [0], [5], [3, 4], [2, 3, 4], [0, 7], [1, 1, 1, 2]]
        for dtype in SafeTensors.DType.allCases {
            var tensors: [SafeTensors.Tensor] = []
            for (i, shape) in shapes.enumerated() {
                let (rows, cols) = SafeTensors.matrixShape(for: shape)
                let values = Matrix<Float>.normal(rows: rows, cols: cols, standardDeviation: dtype == .i8 ? 100 : 3, using: &generator)
                tensors.append(.init(name: "t\(i)", shape: shape, dtype: dtype, values: values))
            }
            let url = directory.appendingPathComponent("\(dtype.rawValue).safetensors")
            try SafeTensors(tensors: tensors, metadata: ["dtype": dtype.rawValue, "quote\"and\\slash\n": "ü"]).write(to: url)
            let file = try SafeTensors(contentsOf: url)
            XCTAssertEqual(file.metadata, ["dtype": dtype.rawValue, "quote\"and\\slash\n": "ü"])
            for tensor in tensors {
                let read = try XCTUnwrap(file[tensor.name])
                XCTAssertEqual(read.shape, tensor.shape)
                XCTAssertEqual(read.dtype, dtype)
                switch dtype {
                case .i8:   // whole numbers, rounded and clamped to −128…127
                    XCTAssertEqual(read.values.storage, tensor.values.storage.map { Swift.min(Swift.max($0.rounded(), -128), 127) },
                                   "\(tensor.shape)")
                case .f32, .f64:
                    XCTAssertEqual(read.values.storage, tensor.values.storage, "\(dtype) \(tensor.shape)")
                case .f16:
                    XCTAssertEqual(read.values.storage, tensor.values.storage.map { Float(Float16($0)) }, "\(tensor.shape)")
                case .bf16:
                    // Round to nearest: a BF16 value (low 16 bits zero) within half an ulp (2⁻⁸ relative).
                    for (x, y) in zip(read.values.storage, tensor.values.storage) {
                        XCTAssertEqual(x.bitPattern & 0xFFFF, 0)
                        XCTAssertLessThanOrEqual(abs(x - y), abs(y) * 0x1p-8)
                    }
                }
                XCTAssertEqual(read.values.rows, tensor.values.rows)
                XCTAssertEqual(read.values.cols, tensor.values.cols)
            }
            // Element sizes: data buffer = header + Σ count · size.
            let bytes = try Data(contentsOf: url)
            let headerLength = bytes.prefix(8).withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
            XCTAssertEqual(headerLength % 8, 0, "header padded to 8 bytes")
            XCTAssertEqual(bytes.count - 8 - headerLength, tensors.map(\.values.count).reduce(0, +) * dtype.size)
        }
    }

    /// The same tensors give the same bytes, whatever order they are given in; a second write
    /// replaces the file and leaves no temporary file behind.
    func testWritesAreDeterministicAndAtomic() throws {
        var generator = SeededGenerator(seed: 3)
        let tensors: [SafeTensors.Tensor] = ["b", "a", "c.weight", "a.bias"].enumerated().map { i, name in
            .init(name: name, shape: [2, i + 1], dtype: i % 2 == 0 ? .f32 : .f16,
                  values: .uniform(rows: 2, cols: i + 1, bound: 1, using: &generator))
        }
        let url = directory.appendingPathComponent("model.safetensors")
        try SafeTensors(tensors: tensors, metadata: ["z": "1", "a": "2"]).write(to: url)
        let first = try Data(contentsOf: url)
        try SafeTensors(tensors: tensors.reversed(), metadata: ["a": "2", "z": "1"]).write(to: url)
        XCTAssertEqual(try Data(contentsOf: url), first, "same tensors, different order: different bytes")
        XCTAssertEqual(try SafeTensors(tensors: tensors, metadata: ["a": "2", "z": "1"]).encoded(), first)

        try SafeTensors.write([(name: "only", shape: [1], values: Matrix(rows: 1, cols: 1, storage: [5]))], to: url)
        XCTAssertEqual(try SafeTensors(contentsOf: url)["only"]?.values.storage, [5])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["model.safetensors"])

        // The header is readable JSON with the tensors' keys in sorted order.
        let headerLength = first.prefix(8).withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
        let header = try XCTUnwrap(String(data: first[8..<(8 + headerLength)], encoding: .utf8))
        let positions = ["__metadata__", "\"a\"", "\"a.bias\"", "\"b\"", "\"c.weight\""].map {
            header.range(of: $0)!.lowerBound
        }
        XCTAssertEqual(positions, positions.sorted(), header)
    }

    func testWriteErrors() throws {
        let m = Matrix<Float>(rows: 1, cols: 2)
        let url = directory.appendingPathComponent("bad.safetensors")
        func expect(_ tensors: [SafeTensors.Tensor], _ check: (SafeTensorsError.Problem) -> Bool, line: UInt = #line) {
            XCTAssertThrowsError(try SafeTensors(tensors: tensors).write(to: url), line: line) { error in
                let error = error as? SafeTensorsError
                XCTAssertTrue(error.map { check($0.problem) } ?? false, "\(String(describing: error))", line: line)
                XCTAssertTrue(error?.description.contains("bad.safetensors") ?? false, line: line)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: url.path), line: line)
        }
        expect([.init(name: "a", shape: [2], values: m), .init(name: "a", shape: [2], values: m)]) {
            if case .invalidName = $0 { return true } else { return false }
        }
        expect([.init(name: "__metadata__", shape: [2], values: m)]) {
            if case .invalidName = $0 { return true } else { return false }
        }
        expect([.init(name: "a", shape: [3], values: m)]) { $0 == .shapeMismatch(tensor: "a", shape: [3], count: 2) }
        expect([.init(name: "a", shape: [-1, -2], values: m)]) { $0 == .shapeMismatch(tensor: "a", shape: [-1, -2], count: 2) }
        expect([.init(name: "a", shape: [1 << 40, 1 << 40, 0], values: Matrix(rows: 0, cols: 0))]) {
            $0 == .shapeMismatch(tensor: "a", shape: [1 << 40, 1 << 40, 0], count: 0)
        }

        let nowhere = directory.appendingPathComponent("no/such/dir/x.safetensors")
        XCTAssertThrowsError(try SafeTensors(tensors: []).write(to: nowhere)) { error in
            guard case .io = (error as? SafeTensorsError)?.problem else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("x.safetensors"))
        }
    }
}
