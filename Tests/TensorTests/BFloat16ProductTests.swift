import Tensor
import XCTest

/// `PackedWeights` products at bf16 precision against the exact product, within the error that
/// rounding x and W to bfloat16 allows. Skipped where oneDNN has no bf16 matmul for the CPU.
final class BFloat16ProductTests: XCTestCase {
    override func setUpWithError() throws {
        if let reason = InferencePrecision.bf16.unsupportedReason { throw XCTSkip(reason) }
        NumericRuntime.precision = .bf16
    }
    override func tearDown() { NumericRuntime.precision = .f32 }

    func product(_ weights: Matrix<Float>, x: [Float], rows m: Int, ldx: Int, y: inout [Float], ldy: Int,
                 accumulate: Bool) {
        ReducedPrecisionProductCheck.product(weights, x: x, rows: m, ldx: ldx, y: &y, ldy: ldy, accumulate: accumulate)
    }

    /// Rounding each of x_k and W_jk to 8 significant bits moves their product by at most
    /// (2 · 2⁻⁸ + 2⁻¹⁶) |x_k W_jk|, and float32 sums of k terms add k · 2⁻²⁴ of Σ |x_k W_jk|:
    ///
    ///     |Σ_k x W − Σ_k x̂ Ŵ| ≤ (2⁻⁷ + 2⁻¹⁶ + k · 2⁻²⁴) Σ_k |x_k W_jk|
    ///
    /// Odd shapes, a block of columns, strides wider than the matrices, with and without accumulation.
    /// (The value accumulated into adds its own float32 rounding, 2⁻²³ of it.)
    func testProductsWithinRoundingBound() {
        let relativeError = ReducedPrecisionProductCheck.relativeErrorWithinBound(seed: 21, slack: 0x1p-23) { row, w in
            let magnitude: Double = zip(row, w).map { abs($0 * $1) }.reduce(0, +)
            let relative: Double = 0x1p-7 + 0x1p-16 + Double(row.count) * 0x1p-24
            return relative * magnitude
        }
        XCTAssertLessThan(relativeError, 0.01, "relative RMS error of the bf16 products")
        XCTAssertGreaterThan(relativeError, 0, "bf16 products identical to float32: the bf16 path did not run")
    }

    /// Values with at most 8 significant bits are bfloat16 already: their products are exact, and
    /// so are the float32 sums of these small integers and halves.
    func testRepresentableValuesAreExact() {
        let (n, k, m) = (3, 40, 2)
        let weights = Matrix<Float>(rows: n, cols: k, storage: (0..<(n * k)).map { Float(($0 % 7) - 3) * 0.5 })
        let x: [Float] = (0..<(m * k)).map { Float(($0 % 5) - 2) * 1.5 }
        var y = [Float](repeating: 9, count: m * n)
        product(weights, x: x, rows: m, ldx: k, y: &y, ldy: n, accumulate: false)
        let exact = Matrix.product(Matrix(rows: m, cols: k, storage: x), weights, transposeB: true)
        XCTAssertEqual(y, exact.storage)
    }

    /// NaN and infinity in a row of x reach only that row of y.
    func testNonFiniteRowStaysInItsRow() {
        let y = ReducedPrecisionProductCheck.productWithNonFiniteRows(seed: 22)
        XCTAssertTrue(y[0..<5].allSatisfy(\.isFinite))
        XCTAssertTrue(y[5..<10].allSatisfy(\.isNaN))
        XCTAssertTrue(y[10..<15].allSatisfy { !$0.isFinite })
    }

    /// One `PackedWeights` serves each precision in turn: switching remakes its copy.
    func testSwitchingPrecisionFollows() {
        var generator = SeededGenerator(seed: 23)
        let weights = Matrix<Float>.normal(rows: 6, cols: 30, standardDeviation: 1, using: &generator)
        let x = (0..<(4 * 30)).map { _ in Float(generator.nextNormal()) }
        let packed = PackedWeights(weights)
        func run() -> [Float] {
            var y = [Float](repeating: 0, count: 4 * 6)
            x.withUnsafeBufferPointer { x in
                y.withUnsafeMutableBufferPointer { packed.product(x.baseAddress!, rows: 4, ldx: 30, into: $0.baseAddress!, ldy: 6, accumulate: false) }
            }
            return y
        }
        let bf16 = run()
        NumericRuntime.precision = .int8
        let int8 = run()
        NumericRuntime.precision = .f32
        let f32 = run()
        NumericRuntime.precision = .bf16
        XCTAssertEqual(run(), bf16)
        XCTAssertNotEqual(bf16, int8)
        XCTAssertNotEqual(bf16, f32)
        let exact = Matrix.product(Matrix(rows: 4, cols: 30, storage: x), weights, transposeB: true).storage
        for (a, b) in zip(f32, exact) { XCTAssertEqual(a, b, accuracy: 1e-4, "f32: packed float32 product") }
    }
}
