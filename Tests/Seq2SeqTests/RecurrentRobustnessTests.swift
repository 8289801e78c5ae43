import NLPTestSupport
import Seq2Seq
import Tensor
import XCTest

final class RecurrentRobustnessTests: XCTestCase {
    /// A batch large enough that the cell steps are split across threads (Float) gives the same
    /// outputs and gradients as the single-threaded Double computation on the same weights.
    func testParallelFloatPathMatchesDouble() {
        let (B, T, D, H) = (64, 5, 8, 64)   // G·H = 256: 32 rows per thread, so 64 rows split in two
        var generator = SeededGenerator(seed: 31)
        let single = Recurrent<LSTMCell, Float>(cell: LSTMCell(), inputSize: D, hiddenSize: H, generator: &generator)
        var copy = SeededGenerator(seed: 31)
        let double = Recurrent<LSTMCell, Double>(cell: LSTMCell(), inputSize: D, hiddenSize: H, generator: &copy)
        let lengths = (0..<B).map { 1 + $0 % T }
        let x = Matrix<Double>.normal(rows: T * B, cols: D, standardDeviation: 1, using: &generator)
        let dy = Matrix<Double>.normal(rows: T * B, cols: H, standardDeviation: 1, using: &generator)
        let (yf, _, cf) = single.forward(Matrix<Float>(x), lengths: lengths)
        let (yd, _, cd) = double.forward(x, lengths: lengths)
        let dxf = single.backward(outputGradient: Matrix<Float>(dy), cache: cf).inputGradient
        let dxd = double.backward(outputGradient: dy, cache: cd).inputGradient
        for (a, b) in zip(yf.storage, yd.storage) { XCTAssertEqual(Double(a), b, accuracy: 1e-5) }
        for (a, b) in zip(dxf.storage, dxd.storage) { XCTAssertEqual(Double(a), b, accuracy: 1e-4) }
        for (a, b) in zip(single.weightHH.gradient.storage, double.weightHH.gradient.storage) {
            XCTAssertEqual(Double(a), b, accuracy: 1e-3 * max(1, abs(b)))
        }
    }

    /// Whatever a padded input row holds (here NaN), states, outputs and gradients stay finite.
    func testPaddedRowsCannotPoisonGradients() {
        var generator = SeededGenerator(seed: 5)
        let layer = Recurrent<GRUCell, Float>(cell: GRUCell(), inputSize: 2, hiddenSize: 3, generator: &generator)
        let lengths = [3, 1], B = 2
        var x = Matrix<Float>.normal(rows: 3 * B, cols: 2, standardDeviation: 1, using: &generator)
        x[2 * B + 1, 0] = .nan   // step 2 of the length-1 row: padding
        let (y, final, cache) = layer.forward(x, lengths: lengths)
        XCTAssertTrue(y.storage.allSatisfy(\.isFinite) && final.storage.allSatisfy(\.isFinite))
        layer.zeroGradients()
        let dx = layer.backward(outputGradient: Matrix(rows: 3 * B, cols: 3, repeating: 1), cache: cache).inputGradient
        for parameter in layer.parameters {
            XCTAssertTrue(parameter.gradient.storage.allSatisfy(\.isFinite), parameter.name)
        }
        XCTAssertTrue(dx.storage.allSatisfy(\.isFinite))
    }

    func testDropoutKeepsScalesAndMasksTheGradient() {
        var generator = SeededGenerator(seed: 8)
        let dropout = Dropout(rate: 0.25)
        let x = Matrix<Float>(rows: 100, cols: 100, repeating: 1)
        let (y, mask) = dropout.forward(x, training: true, generator: &generator)
        let kept = y.storage.filter { $0 != 0 }
        XCTAssertEqual(Double(kept.count) / 10_000, 0.75, accuracy: 0.02)
        XCTAssertTrue(kept.allSatisfy { abs($0 - 1 / 0.75) < 1e-6 })
        let dx = dropout.backward(Matrix(rows: 100, cols: 100, repeating: 2), mask: mask)
        XCTAssertEqual(dx.storage, y.storage.map { $0 * 2 })
        let (identity, none) = dropout.forward(x, training: false, generator: &generator)
        XCTAssertEqual(identity, x)
        XCTAssertNil(none)
    }
}
