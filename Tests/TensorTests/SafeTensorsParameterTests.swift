import Foundation
import Tensor
import XCTest

/// Saving and loading a `ParameterOwner`'s parameters by name.
final class SafeTensorsParameterTests: XCTestCase {
    /// A stand-in model: a weight matrix and a bias vector.
    struct TinyModel<Scalar: TensorScalar>: ParameterOwner {
        let weight: Parameter<Scalar>
        let bias: Parameter<Scalar>
        var parameters: [Parameter<Scalar>] { [weight, bias] }

        init(seed: UInt64, prefix: String = "layer.") {
            var generator = SeededGenerator(seed: seed)
            weight = Parameter(name: "\(prefix)weight", value: .uniform(rows: 3, cols: 4, bound: 1, using: &generator))
            bias = Parameter(name: "\(prefix)bias", value: .uniform(rows: 1, cols: 3, bound: 1, using: &generator), shape: [3])
        }
    }

    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("safetensors-params-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testSaveAndLoadByName() throws {
        let saved = TinyModel<Float>(seed: 1)
        let url = directory.appendingPathComponent("model.safetensors")
        try saved.saveParameters(to: url, metadata: ["epoch": "3"])

        let file = try SafeTensors(contentsOf: url)
        XCTAssertEqual(file["layer.bias"]?.shape, [3])
        XCTAssertEqual(file["layer.weight"]?.shape, [3, 4])

        let loaded = TinyModel<Float>(seed: 2)
        XCTAssertNotEqual(loaded.weight.value, saved.weight.value)
        let metadata = try loaded.loadParameters(from: url)
        XCTAssertEqual(metadata, ["epoch": "3"])
        XCTAssertEqual(loaded.weight.value, saved.weight.value)
        XCTAssertEqual(loaded.bias.value, saved.bias.value)
        XCTAssertEqual(loaded.bias.value.rows, 1)

        // Same parameters, same bytes.
        let again = directory.appendingPathComponent("again.safetensors")
        try loaded.saveParameters(to: again, metadata: ["epoch": "3"])
        XCTAssertEqual(try Data(contentsOf: again), try Data(contentsOf: url))

        // Into double precision (gradient checks), through Float.
        let double = TinyModel<Double>(seed: 5)
        try double.loadParameters(from: url)
        XCTAssertEqual(double.weight.value.storage, saved.weight.value.storage.map { Double($0) })
    }

    func testHalfPrecisionFileLoadsRounded() throws {
        let saved = TinyModel<Float>(seed: 1)
        let url = directory.appendingPathComponent("half.safetensors")
        try saved.saveParameters(to: url, dtype: .f16)
        let loaded = TinyModel<Float>(seed: 2)
        try loaded.loadParameters(from: url)
        XCTAssertEqual(loaded.weight.value.storage, saved.weight.value.storage.map { Float(Float16($0)) })
        // 12 + 3 values of 2 bytes after the header.
        let size = try Data(contentsOf: url).count
        XCTAssertEqual(size, try 8 + headerLength(url) + 15 * 2)
    }

    func headerLength(_ url: URL) throws -> Int {
        try Data(contentsOf: url).prefix(8).withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))) }
    }

    func testLoadReportsMissingAndUnexpectedNamesAndChangesNothing() throws {
        let url = directory.appendingPathComponent("other.safetensors")
        try TinyModel<Float>(seed: 1, prefix: "encoder.").saveParameters(to: url)
        let model = TinyModel<Float>(seed: 2)
        let before = model.parameters.map(\.value)
        XCTAssertThrowsError(try model.loadParameters(from: url)) { error in
            XCTAssertEqual((error as? SafeTensorsError)?.problem,
                           .parameterNameMismatch(missing: ["layer.weight", "layer.bias"].sorted(),
                                                  unexpected: ["encoder.bias", "encoder.weight"]))
            let text = "\(error)"
            XCTAssertTrue(text.contains("other.safetensors") && text.contains("layer.weight") && text.contains("encoder.bias"), text)
        }
        XCTAssertEqual(model.parameters.map(\.value), before)

        // One extra tensor only.
        let extra = directory.appendingPathComponent("extra.safetensors")
        var file = SafeTensors(parameters: TinyModel<Float>(seed: 1).parameters)
        file.tensors.append(.init(name: "layer.scale", shape: [1], values: Matrix(rows: 1, cols: 1)))
        try file.write(to: extra)
        XCTAssertThrowsError(try model.loadParameters(from: extra)) { error in
            XCTAssertEqual((error as? SafeTensorsError)?.problem,
                           .parameterNameMismatch(missing: [], unexpected: ["layer.scale"]))
        }
        XCTAssertEqual(model.parameters.map(\.value), before)
    }

    func testLoadRejectsShapeMismatch() throws {
        let model = TinyModel<Float>(seed: 2)
        let before = model.parameters.map(\.value)
        // Right names and sizes, wrong shapes: a (4, 3) weight, and the bias as (1, 3) instead of [3].
        let url = directory.appendingPathComponent("shapes.safetensors")
        try SafeTensors.write([
            (name: "layer.weight", shape: [4, 3], values: Matrix(rows: 4, cols: 3)),
            (name: "layer.bias", shape: [3], values: Matrix(rows: 1, cols: 3)),
        ], to: url)
        XCTAssertThrowsError(try model.loadParameters(from: url)) { error in
            XCTAssertEqual((error as? SafeTensorsError)?.problem,
                           .parameterShapeMismatch(name: "layer.weight", expected: [3, 4], found: [4, 3]))
            XCTAssertTrue("\(error)".contains("shapes.safetensors"))
        }
        try SafeTensors.write([
            (name: "layer.weight", shape: [3, 4], values: Matrix(rows: 3, cols: 4)),
            (name: "layer.bias", shape: [1, 3], values: Matrix(rows: 1, cols: 3)),
        ], to: url)
        XCTAssertThrowsError(try model.loadParameters(from: url)) { error in
            XCTAssertEqual((error as? SafeTensorsError)?.problem,
                           .parameterShapeMismatch(name: "layer.bias", expected: [3], found: [1, 3]))
        }
        XCTAssertEqual(model.parameters.map(\.value), before)
    }

    func testSavingDuplicateNamesFails() {
        let a = Parameter(name: "w", value: Matrix<Float>(rows: 1, cols: 1))
        let b = Parameter(name: "w", value: Matrix<Float>(rows: 1, cols: 1))
        let url = directory.appendingPathComponent("dup.safetensors")
        XCTAssertThrowsError(try SafeTensors.save([a, b], to: url)) { error in
            guard case .invalidName = (error as? SafeTensorsError)?.problem else { return XCTFail("\(error)") }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
    }
}
