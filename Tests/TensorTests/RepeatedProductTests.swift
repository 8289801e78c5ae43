import Tensor
import XCTest

final class RepeatedProductTests: XCTestCase {
    /// The packed oneDNN product (Float) against the plain-loop reference in Double, with row strides
    /// wider than the matrices, both weight layouts, with and without accumulation, over several calls
    /// with different A and C (the weights are packed once).
    func testPackedProductMatchesReference() {
        var generator = SeededGenerator(seed: 4)
        let (m, k, n, lda, ldc) = (5, 7, 9, 11, 13)
        for transposed in [false, true] {
            for accumulate in [false, true] {
                let weights = (0..<(k * n)).map { _ in Float(generator.nextNormal()) }
                let product = weights.withUnsafeBufferPointer {
                    RepeatedProduct(m: m, k: k, n: n, lda: lda, ldc: ldc, accumulate: accumulate,
                                    weights: $0.baseAddress!, transposed: transposed)
                }
                for _ in 0..<3 {
                    let a = (0..<(m * lda)).map { _ in Float(generator.nextNormal()) }
                    var c = (0..<(m * ldc)).map { _ in Float(generator.nextNormal()) }
                    var expected = c.map(Double.init)
                    referenceGemm(transposeA: false, transposeB: transposed, m: m, n: n, k: k, alpha: 1,
                                  a: a.map(Double.init), lda: lda, b: weights.map(Double.init), ldb: transposed ? k : n,
                                  beta: accumulate ? 1 : 0, c: &expected, ldc: ldc)
                    a.withUnsafeBufferPointer { a in
                        c.withUnsafeMutableBufferPointer { c in product(a.baseAddress!, into: c.baseAddress!) }
                    }
                    for i in 0..<m {
                        for j in 0..<ldc {   // the columns past n are padding and must stay untouched
                            XCTAssertEqual(Double(c[i * ldc + j]), expected[i * ldc + j], accuracy: 1e-5,
                                           "transposed \(transposed) accumulate \(accumulate) at (\(i), \(j))")
                        }
                    }
                }
            }
        }
    }
}
