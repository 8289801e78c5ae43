import Seq2Seq
import Tensor
import XCTest

/// clipGradientNorm against torch.nn.utils.clip_grad_norm_ (`Scripts/reference/make_optimizer_fixtures.py`).
final class GradientClippingTests: XCTestCase {
    func makeParameters(_ grads: [String: [Double]]) throws -> [Parameter<Float>] {
        let a = Parameter(name: "a", value: Matrix<Float>(rows: 2, cols: 3))
        let b = Parameter(name: "b", value: Matrix<Float>(rows: 1, cols: 4), shape: [4])
        a.gradient.storage = try XCTUnwrap(grads["a"]).map { Float($0) }
        b.gradient.storage = try XCTUnwrap(grads["b"]).map { Float($0) }
        return [a, b]
    }

    func testMatchesPyTorch() throws {
        let fixture = try OptimizerFixture.load()
        XCTAssertEqual(fixture.clipping.count, 2)
        for testCase in fixture.clipping {
            let parameters = try makeParameters(testCase.grads)
            let before = parameters.map(\.gradient)
            let norm = clipGradientNorm(parameters, maxNorm: Float(testCase.maxNorm))
            XCTAssertEqual(Double(norm), testCase.totalNorm, accuracy: 1e-6 * testCase.totalNorm, "norm")
            for parameter in parameters {
                let expected = try XCTUnwrap(testCase.clipped[parameter.name])
                for (ours, theirs) in zip(parameter.gradient.storage, expected) {
                    XCTAssertEqual(Double(ours), theirs, accuracy: 1e-6 * max(abs(theirs), 1e-3),
                                   "max_norm \(testCase.maxNorm): \(parameter.name)")
                }
            }
            if testCase.maxNorm > testCase.totalNorm {
                // Below the limit nothing changes, not even by rounding.
                XCTAssertEqual(parameters.map(\.gradient), before)
            } else {
                // Clipped: the new global norm is max_norm (up to the 1e-6 in the denominator).
                let clippedNorm = parameters.map { Double($0.gradient.squaredNorm) }.reduce(0, +).squareRoot()
                XCTAssertEqual(clippedNorm, testCase.maxNorm, accuracy: 1e-5)
            }
        }
    }

    func testScalesByMaxNormOverNorm() {
        // Gradients (3, 4) and (12): global norm √(9 + 16 + 144) = 13.
        let a = Parameter(name: "a", value: Matrix<Double>(rows: 1, cols: 2))
        let b = Parameter(name: "b", value: Matrix<Double>(rows: 1, cols: 1))
        a.gradient.storage = [3, 4]
        b.gradient.storage = [12]
        let norm = clipGradientNorm([a, b], maxNorm: 6.5)
        XCTAssertEqual(norm, 13)
        let scale = 6.5 / (13 + 1e-6)
        XCTAssertEqual(a.gradient.storage, [3 * scale, 4 * scale])
        XCTAssertEqual(b.gradient.storage, [12 * scale])
        // The new norm is 6.5 · 13 / (13 + 1e-6); a limit above it changes nothing.
        let again = clipGradientNorm([a, b], maxNorm: 6.5 + 1e-5)
        XCTAssertEqual(again, 13 * scale, accuracy: 1e-12)
        XCTAssertEqual(a.gradient.storage, [3 * scale, 4 * scale])
        XCTAssertEqual(b.gradient.storage, [12 * scale])
    }

    func testNonFiniteNormLeavesGradientsAlone() {
        let a = Parameter(name: "a", value: Matrix<Float>(rows: 1, cols: 3))
        a.gradient.storage = [1, .nan, 2]
        let norm = clipGradientNorm([a], maxNorm: 1)
        XCTAssertTrue(norm.isNaN)
        XCTAssertEqual(a.gradient.storage[0], 1)
        XCTAssertEqual(a.gradient.storage[2], 2)
    }
}
