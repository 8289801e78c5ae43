import Tensor
import XCTest

final class PackedWeightsTests: XCTestCase {
    /// Products with the packed weights (Float, oneDNN) against the plain-loop reference in Double:
    /// several row counts on the same packing, a block of columns, row strides wider than the
    /// matrices, with and without accumulation.
    func testProductsMatchReference() {
        var generator = SeededGenerator(seed: 6)
        let (n, cols, columns) = (9, 12, 3..<10)
        let k = columns.count
        let weights = Matrix<Float>(rows: n, cols: cols, storage: (0..<(n * cols)).map { _ in Float(generator.nextNormal()) })
        let packed = PackedWeights(weights, columns: columns)
        XCTAssertEqual(packed.outputSize, n)
        XCTAssertEqual(packed.inputSize, k)
        for (m, ldx, ldy) in [(1, 7, 9), (5, 11, 13), (3, 7, 10), (5, 11, 13), (1, 8, 9)] {
            for accumulate in [false, true] {
                let x = (0..<(m * ldx)).map { _ in Float(generator.nextNormal()) }
                var y = (0..<(m * ldy)).map { _ in Float(generator.nextNormal()) }
                var expected = y.map(Double.init)
                referenceGemm(transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: 1,
                              a: x.map(Double.init), lda: ldx, b: Array(weights.storage.map(Double.init)[columns.lowerBound...]),
                              ldb: cols, beta: accumulate ? 1 : 0, c: &expected, ldc: ldy)
                x.withUnsafeBufferPointer { x in
                    y.withUnsafeMutableBufferPointer { y in
                        packed.product(x.baseAddress!, rows: m, ldx: ldx, into: y.baseAddress!, ldy: ldy, accumulate: accumulate)
                    }
                }
                for i in 0..<(m * ldy) {   // the columns past n are padding and must stay untouched
                    XCTAssertEqual(Double(y[i]), expected[i], accuracy: 1e-5, "m \(m) accumulate \(accumulate) at \(i)")
                }
            }
        }
    }

    /// The packed copy knows when the weights it was packed from have been written to since.
    func testSnapshotFollowsWrites() {
        var generator = SeededGenerator(seed: 7)
        var weights = Matrix<Float>.normal(rows: 4, cols: 3, standardDeviation: 1, using: &generator)
        let packed = PackedWeights(weights)
        XCTAssertTrue(packed.isSnapshot(of: weights))
        let copy = weights
        XCTAssertTrue(packed.isSnapshot(of: copy))
        weights.storage[5] += 1
        XCTAssertFalse(packed.isSnapshot(of: weights))
        XCTAssertTrue(packed.isSnapshot(of: copy))
        var replaced = copy
        replaced.storage.withUnsafeMutableBufferPointer { $0[0] = 2 }
        XCTAssertFalse(packed.isSnapshot(of: replaced))
        XCTAssertFalse(packed.isSnapshot(of: Matrix(rows: 4, cols: 3, storage: copy.storage.map { $0 })))
    }

    /// Double: the same products by `gemm` on the weights as given.
    func testDoubleProducts() {
        var generator = SeededGenerator(seed: 8)
        let weights = Matrix<Double>.normal(rows: 5, cols: 4, standardDeviation: 1, using: &generator)
        let x = Matrix<Double>.normal(rows: 3, cols: 4, standardDeviation: 1, using: &generator)
        var y = Matrix<Double>(rows: 3, cols: 5)
        x.storage.withUnsafeBufferPointer { x in
            y.storage.withUnsafeMutableBufferPointer { y in
                PackedWeights(weights).product(x.baseAddress!, rows: 3, ldx: 4, into: y.baseAddress!, ldy: 5, accumulate: false)
            }
        }
        XCTAssertEqual(y, Matrix.product(x, weights, transposeB: true))
    }
}
