import Foundation
import Pipeline
import Tensor
import XCTest

/// `ModelFile.quantizedToInt8()`: which tensors become int8, the file round trip (weights back
/// within half a step of their row's grid), and int8 files whose scales do not fit refused by name.
final class ModelFileQuantizationTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("quantize-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    var generator = SeededGenerator(seed: 21)

    func matrix(_ rows: Int, _ cols: Int) -> Matrix<Float> {
        .normal(rows: rows, cols: cols, standardDeviation: 0.5, using: &generator)
    }

    func model(_ tensors: [SafeTensors.Tensor]) throws -> ModelFile {
        try ModelFile(task: .tagger, configuration: ["hidden": 3], provenance: ["seed": 1], tensors: tensors)
    }

    func testWeightMatricesRoundTripWithinHalfAStep() throws {
        var weights = matrix(5, 7)
        weights.storage.replaceSubrange(7..<14, with: repeatElement(0, count: 7))   // a zero row stays zero
        let tensors = [
            SafeTensors.Tensor(name: "encoder.weight_ih_l0", shape: [5, 7], dtype: .f16, values: weights),
            SafeTensors.Tensor(name: "encoder.bias_ih_l0", shape: [5], values: matrix(1, 5)),
            SafeTensors.Tensor(name: "crf.transitions", shape: [3, 3], values: matrix(3, 3)),
            SafeTensors.Tensor(name: "embedding.weight", shape: [4, 2], values: matrix(4, 2)),
        ]
        let original = try model(tensors)
        let quantized = original.quantizedToInt8()
        XCTAssertEqual(quantized.tensors.map(\.name), ["crf.transitions", "embedding.weight", "embedding.weight.int8_scale",
                                                       "encoder.bias_ih_l0", "encoder.weight_ih_l0",
                                                       "encoder.weight_ih_l0.int8_scale"])
        XCTAssertEqual(quantized.tensors.filter { $0.dtype == .i8 }.map(\.name), ["embedding.weight", "encoder.weight_ih_l0"])
        XCTAssertEqual(quantized.configuration, original.configuration)
        XCTAssertEqual(quantized.provenance, original.provenance)

        try quantized.write(to: path("int8.safetensors"))
        let read = try ModelFile.read(from: path("int8.safetensors"), expecting: .tagger)
        XCTAssertEqual(read.tensors.map(\.name), original.tensors.map(\.name).sorted(), "scales are folded in on reading")
        for tensor in tensors {
            let back = try XCTUnwrap(read.tensor(named: tensor.name))
            XCTAssertEqual(back.shape, tensor.shape)
            guard tensor.name.contains("weight") else {
                XCTAssertEqual(back.values, tensor.values, "\(tensor.name) keeps its values")
                continue
            }
            let cols = tensor.values.cols
            for j in 0..<tensor.values.rows {
                let row = tensor.values.storage[(j * cols)..<((j + 1) * cols)]
                let step = row.map(abs).max()! / 127
                for c in 0..<cols {
                    XCTAssertEqual(back.values[j, c], tensor.values[j, c], accuracy: step / 2 + 1e-7, "\(tensor.name)[\(j), \(c)]")
                }
                if step > 0 { XCTAssertEqual(row.map(abs).max()!, (0..<cols).map { abs(back.values[j, $0]) }.max()!, accuracy: 1e-6) }
            }
        }
        XCTAssertNotEqual(read.tensor(named: "encoder.weight_ih_l0")?.values, tensors[0].values, "the values were rounded")
        XCTAssertEqual(read.quantizedToInt8().tensors.filter { $0.dtype == .i8 }.map(\.values),
                       quantized.tensors.filter { $0.dtype == .i8 }.map(\.values),
                       "quantising a quantised model gives the same levels")
    }

    /// An int8 tensor needs its scales, scales need their int8 tensor, and they must have one
    /// value per row: otherwise reading fails naming the file and the tensor.
    func testInconsistentScalesAreRefused() throws {
        let levels = Matrix<Float>(rows: 2, cols: 3, storage: [1, -2, 127, 0, 5, -127])
        let cases: [(String, [SafeTensors.Tensor])] = [
            ("has no scales", [SafeTensors.Tensor(name: "w.weight", shape: [2, 3], dtype: .i8, values: levels)]),
            ("scales no int8 tensor", [
                SafeTensors.Tensor(name: "w.weight", shape: [2, 3], values: levels),
                SafeTensors.Tensor(name: "w.weight.int8_scale", shape: [2], values: Matrix(rows: 1, cols: 2, storage: [0.1, 0.2])),
            ]),
            ("expected [2]", [
                SafeTensors.Tensor(name: "w.weight", shape: [2, 3], dtype: .i8, values: levels),
                SafeTensors.Tensor(name: "w.weight.int8_scale", shape: [3], values: Matrix(rows: 1, cols: 3, storage: [0.1, 0.2, 0.3])),
            ]),
            ("negative or non-finite", [
                SafeTensors.Tensor(name: "w.weight", shape: [2, 3], dtype: .i8, values: levels),
                SafeTensors.Tensor(name: "w.weight.int8_scale", shape: [2], values: Matrix(rows: 1, cols: 2, storage: [0.1, -0.2])),
            ]),
        ]
        for (message, tensors) in cases {
            let target = path("bad.safetensors")
            try model(tensors).write(to: target)
            XCTAssertThrowsError(try ModelFile.read(from: target, expecting: nil)) { error in
                guard let error = error as? ModelFileError, case .invalidQuantization = error.problem else {
                    return XCTFail("not an invalidQuantization error: \(error)")
                }
                XCTAssertTrue(error.description.hasPrefix("\(target): has inconsistent int8 tensors: "), error.description)
                XCTAssertTrue(error.description.contains(message), error.description)
                XCTAssertTrue(error.description.contains("w.weight"), error.description)
            }
        }
    }
}
