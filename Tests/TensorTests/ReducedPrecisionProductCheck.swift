import Tensor
import XCTest

/// What the int8 and bf16 product tests share: a product on arrays, and the check of many products
/// against the exact one within a per-element bound.
enum ReducedPrecisionProductCheck {
    /// y (m, ldy) (+)= x (m, ldx) · W[:, columns]ᵀ with `weights` packed, at the current precision.
    static func product(_ weights: Matrix<Float>, columns: Range<Int>? = nil, x: [Float], rows m: Int, ldx: Int,
                        y: inout [Float], ldy: Int, accumulate: Bool) {
        let packed = PackedWeights(weights, columns: columns)
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { y in
                packed.product(x.baseAddress!, rows: m, ldx: ldx, into: y.baseAddress!, ldy: ldy, accumulate: accumulate)
            }
        }
    }

    /// y (3, 5) = x (3, 8) · Wᵀ for normal W and x at the current precision, with x's row 1 holding
    /// a NaN and row 2 an infinity (row 0 finite).
    static func productWithNonFiniteRows(seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        let weights = Matrix<Float>.normal(rows: 5, cols: 8, standardDeviation: 1, using: &generator)
        var x = (0..<(3 * 8)).map { _ in Float(generator.nextNormal()) }
        x[8 + 2] = .nan
        x[16 + 5] = .infinity
        var y = [Float](repeating: 0, count: 3 * 5)
        product(weights, x: x, rows: 3, ldx: 8, y: &y, ldy: 5, accumulate: false)
        return y
    }

    /// Products of a block of columns of a (13, 45) weight with odd shapes and strides wider than
    /// the matrices, with and without accumulation: each element within `bound(x row, W row)` (plus
    /// `slack` of the value accumulated into) of the exact sum, the padding past n untouched.
    /// Returns the relative RMS error over all elements.
    static func relativeErrorWithinBound(
        seed: UInt64, slack: Double = 0, bound: (_ x: [Double], _ w: [Double]) -> Double,
        file: StaticString = #filePath, line: UInt = #line
    ) -> Double {
        var generator = SeededGenerator(seed: seed)
        let (n, cols, columns) = (13, 45, 4..<41)
        let k = columns.count
        let weights = Matrix<Float>.normal(rows: n, cols: cols, standardDeviation: 0.3, using: &generator)
        var squaredError = 0.0, squaredValue = 0.0
        for (m, ldx, ldy) in [(1, 37, 13), (5, 40, 16), (64, 37, 13), (3, 50, 20)] {
            for accumulate in [false, true] {
                let x = (0..<(m * ldx)).map { _ in Float(generator.nextNormal()) }
                let start = (0..<(m * ldy)).map { _ in Float(generator.nextNormal()) }
                var y = start
                product(weights, columns: columns, x: x, rows: m, ldx: ldx, y: &y, ldy: ldy, accumulate: accumulate)
                for i in 0..<m {
                    let row = (0..<k).map { Double(x[i * ldx + $0]) }
                    for j in 0..<n {
                        let w = (0..<k).map { Double(weights[j, columns.lowerBound + $0]) }
                        let exact = zip(row, w).map(*).reduce(0, +)
                        let before = accumulate ? Double(start[i * ldy + j]) : 0
                        let got = Double(y[i * ldy + j]) - before
                        XCTAssertEqual(got, exact, accuracy: bound(row, w) + slack * abs(before) + 1e-5,
                                       "m \(m) row \(i) column \(j)", file: file, line: line)
                        squaredError += (got - exact) * (got - exact)
                        squaredValue += exact * exact
                    }
                    for j in n..<ldy {   // past n: padding, untouched
                        XCTAssertEqual(y[i * ldy + j], start[i * ldy + j], "m \(m) row \(i) padding \(j)", file: file, line: line)
                    }
                }
            }
        }
        return (squaredError / squaredValue).squareRoot()
    }
}
