import Tensor
import XCTest

/// `PackedWeights` products at int8 precision against the exact product, within the error that
/// the quantisation itself allows.
final class QuantizedProductTests: XCTestCase {
    override func setUp() { NumericRuntime.precision = .int8 }
    override func tearDown() { NumericRuntime.precision = .f32 }

    func product(_ weights: Matrix<Float>, x: [Float], rows m: Int, ldx: Int, y: inout [Float], ldy: Int,
                 accumulate: Bool) {
        ReducedPrecisionProductCheck.product(weights, x: x, rows: m, ldx: ldx, y: &y, ldy: ldy, accumulate: accumulate)
    }

    /// Each element's error is within the bound rounding to the two grids gives,
    ///
    ///     |Σ_k x W − Σ_k x̂ Ŵ| ≤ Σ_k (|x_k| δ_j + |W_jk| ε_i + ε_i δ_j),   δ_j = w_j / 2, ε_i = s_i / 2,
    ///
    /// and the error over all elements is small against the products (the bound is not slack).
    /// Odd shapes, a block of columns, strides wider than the matrices, with and without accumulation.
    func testProductsWithinQuantisationBound() {
        let relativeError = ReducedPrecisionProductCheck.relativeErrorWithinBound(seed: 11) { row, w in
            let epsilon = row.map(abs).max()! / 63 / 2, delta = w.map(abs).max()! / 127 / 2
            return zip(row, w).map { abs($0) * delta + abs($1) * epsilon + epsilon * delta }.reduce(0, +) + 1e-4
        }
        XCTAssertLessThan(relativeError, 0.03, "relative RMS error of the int8 products")
        XCTAssertGreaterThan(relativeError, 0, "int8 products identical to float32: the int8 path did not run")
    }

    /// Values on both grids are multiplied exactly, at the extremes of the ranges too: every x at
    /// ±max (q = 127 or 1) times every weight at ±max (±127), where CPUs without VNNI would
    /// saturate 16-bit pair sums if x had 8 bits. Zero rows of W or x give zero.
    func testExtremesAreExactAndZeroRowsGiveZero() {
        let (n, k, m) = (4, 64, 3)
        // W rows: all +2, alternating ±2, all −2, all zero.
        let weights = Matrix<Float>(rows: n, cols: k, storage: (0..<(n * k)).map { index in
            let (j, c) = (index / k, index % k)
            return [2, c % 2 == 0 ? 2 : -2, -2, 0][j]
        })
        // x rows: all +0.5, alternating ∓0.5, all zero.
        let x: [Float] = (0..<(m * k)).map { index in
            let (i, c) = (index / k, index % k)
            return [0.5, c % 2 == 0 ? -0.5 : 0.5, 0][i]
        }
        var y = [Float](repeating: 7, count: m * n)
        product(weights, x: x, rows: m, ldx: k, y: &y, ldy: n, accumulate: false)
        let kk = Float(k)
        XCTAssertEqual(y, [kk, 0, -kk, 0,
                           0, -kk, 0, 0,
                           0, 0, 0, 0])
    }

    /// A row of x holding NaN or infinity gives NaN across its row of y, as float32 would make it
    /// NaN or infinite; the other rows are unaffected.
    func testNonFiniteRowStaysInItsRow() {
        let y = ReducedPrecisionProductCheck.productWithNonFiniteRows(seed: 12)
        XCTAssertTrue(y[0..<5].allSatisfy(\.isFinite))
        XCTAssertTrue(y[5..<15].allSatisfy(\.isNaN))
    }

    /// `Parameter.forwardProduct`, what the layers' forward passes call, follows the precision:
    /// exact float32 at f32, and at int8 the quantised product (close, not equal) on weights kept
    /// until the parameter's value changes.
    func testForwardProductFollowsPrecision() {
        var generator = SeededGenerator(seed: 13)
        let x = Matrix<Float>.normal(rows: 6, cols: 20, standardDeviation: 1, using: &generator)
        let weight = Parameter<Float>(name: "w", value: .normal(rows: 9, cols: 20, standardDeviation: 1, using: &generator))
        let exact = Matrix.product(x, weight.value, transposeB: true)
        let int8 = weight.forwardProduct(x)
        XCTAssertTrue(weight.forwardWeights() === weight.forwardWeights(), "the int8 copy is kept")
        XCTAssertNotEqual(int8.storage, exact.storage)
        for (a, b) in zip(int8.storage, exact.storage) { XCTAssertEqual(a, b, accuracy: 0.5) }

        for i in weight.value.storage.indices { weight.value.storage[i] *= -2 }   // changed: quantised again
        for (a, b) in zip(weight.forwardProduct(x).storage, int8.storage) { XCTAssertEqual(a, -2 * b, accuracy: 1) }

        NumericRuntime.precision = .f32
        XCTAssertEqual(weight.forwardProduct(x).storage, Matrix.product(x, weight.value, transposeB: true).storage)
        XCTAssertFalse(weight.forwardWeights() === weight.forwardWeights(), "f32 packs anew")
    }
}
