import NLPTestSupport
import Tensor
import XCTest

final class MatrixTests: XCTestCase {
    /// oneDNN's sgemm against the plain-loop reference in Double, for every transpose combination,
    /// with row strides wider than the matrices and β ∈ {0, 1, ½}.
    func testOneDNNGemmMatchesReferenceForAllTransposesAndStrides() {
        var generator = SeededGenerator(seed: 1)
        let (m, n, k) = (7, 5, 9)
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                for beta in [Float(0), 1, 0.5] {
                    let (aRows, aCols) = transposeA ? (k, m) : (m, k)
                    let (bRows, bCols) = transposeB ? (n, k) : (k, n)
                    let (lda, ldb, ldc) = (aCols + 2, bCols + 1, n + 3)
                    let a = (0..<(aRows * lda)).map { _ in Float(generator.nextNormal()) }
                    let b = (0..<(bRows * ldb)).map { _ in Float(generator.nextNormal()) }
                    var c = (0..<(m * ldc)).map { _ in Float(generator.nextNormal()) }
                    var expected = c.map(Double.init)
                    let a64 = a.map(Double.init), b64 = b.map(Double.init)
                    referenceGemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.75,
                                  a: a64, lda: lda, b: b64, ldb: ldb, beta: Double(beta), c: &expected, ldc: ldc)
                    Float.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.75,
                               a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: &c, ldc: ldc)
                    for i in 0..<m {
                        for j in 0..<n {
                            XCTAssertEqual(Double(c[i * ldc + j]), expected[i * ldc + j], accuracy: 1e-5,
                                           "transposeA \(transposeA) transposeB \(transposeB) β \(beta) at (\(i), \(j))")
                        }
                        for j in n..<ldc {   // padding columns of C untouched
                            XCTAssertEqual(Double(c[i * ldc + j]), expected[i * ldc + j])
                        }
                    }
                }
            }
        }
    }

    func testProductShapesAndValues() {
        let a = Matrix<Float>(rows: 2, cols: 3, storage: [1, 2, 3, 4, 5, 6])
        let b = Matrix<Float>(rows: 2, cols: 3, storage: [1, 0, 1, 0, 1, 0])
        let c = Matrix.product(a, b, transposeB: true)   // (2, 2)
        XCTAssertEqual(c.storage, [4, 2, 10, 5])
        let d = Matrix.product(a, b, transposeA: true)   // (3, 3)
        XCTAssertEqual(d.rows, 3)
        XCTAssertEqual(d.storage, [1, 4, 1, 2, 5, 2, 3, 6, 3])
        XCTAssertEqual(a.transposed.storage, [1, 4, 2, 5, 3, 6])
    }

    func testFastFloatMathAgainstDouble() {
        var worstExp = 0.0, worstSigmoid = 0.0, worstTanh = 0.0
        var x = -30.0
        while x <= 30 {
            let f = Float(x), d = Double(f)
            worstExp = worse(worstExp, abs(Double(Float.exponential(f)) - Double.exp(d)) / Double.exp(d))
            worstSigmoid = worse(worstSigmoid, abs(Double(Float.sigmoid(f)) - 1 / (1 + Double.exp(-d))))
            worstTanh = worse(worstTanh, abs(Double(Float.hyperbolicTangent(f)) - Double.tanh(d)))
            x += 0.0137
        }
        XCTAssertLessThan(worstExp, 3e-7, "exp relative error")
        XCTAssertLessThan(worstSigmoid, 2e-7, "sigmoid absolute error")
        XCTAssertLessThan(worstTanh, 3e-7, "tanh absolute error")
        // Saturation instead of inf/NaN far outside the range.
        XCTAssertEqual(Float.sigmoid(-500), 0, accuracy: 1e-30)
        XCTAssertEqual(Float.sigmoid(500), 1)
        XCTAssertEqual(Float.hyperbolicTangent(-500), -1)
        XCTAssertTrue(Float.exponential(500).isFinite)
    }

    func testSeededGeneratorIsReproducibleAndSplits() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let first = (0..<5).map { _ in a.next() }
        XCTAssertEqual(first, (0..<5).map { _ in b.next() })
        XCTAssertNotEqual(first, (0..<5).map { _ in c.next() })
        // Normal draws: mean ≈ 0, variance ≈ 1 over 20,000 samples.
        var g = SeededGenerator(seed: 7)
        let samples = (0..<20_000).map { _ in g.nextNormal() }
        let mean = samples.reduce(0, +) / Double(samples.count)
        let variance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(samples.count)
        XCTAssertEqual(mean, 0, accuracy: 0.03)
        XCTAssertEqual(variance, 1, accuracy: 0.05)
    }

    func testGeneratorStateRoundTripContinuesTheSameStream() {
        var original = SeededGenerator(seed: 99)
        for _ in 0..<17 { _ = original.next() }
        var resumed = SeededGenerator(state: original.savedState)!
        XCTAssertEqual((0..<10).map { _ in original.next() }, (0..<10).map { _ in resumed.next() })
        XCTAssertNil(SeededGenerator(state: [0, 0, 0, 0]))
        XCTAssertNil(SeededGenerator(state: [1, 2, 3]))
    }

    func testInitialisers() {
        var generator = SeededGenerator(seed: 3)
        for (rows, cols) in [(6, 4), (4, 6), (5, 5)] {
            let q = Matrix<Double>.orthogonal(rows: rows, cols: cols, using: &generator)
            // The smaller Gram matrix is the identity: QᵀQ (tall) or QQᵀ (wide).
            let gram = rows >= cols ? Matrix.product(q, q, transposeA: true) : Matrix.product(q, q, transposeB: true)
            for i in 0..<gram.rows {
                for j in 0..<gram.cols { XCTAssertEqual(gram[i, j], i == j ? 1 : 0, accuracy: 1e-12) }
            }
        }
        let x = Matrix<Float>.xavierUniform(rows: 30, cols: 20, using: &generator)
        let bound = Float((6.0 / 50).squareRoot())
        XCTAssertTrue(x.storage.allSatisfy { abs($0) <= bound })
        XCTAssertGreaterThan(x.storage.map(abs).max()!, bound * 0.9)
    }
}
