import Seq2Seq
import Tensor
import XCTest

/// The perturbation of adversarial training: each sequence's gradient rows scaled to norm ε.
final class AdversarialPerturbationTests: XCTestCase {
    func testEachSequenceMovesByTheNormAlongItsGradient() {
        let lengths = [3, 1, 2], B = 3, T = 3, D = 4
        var generator = SeededGenerator(seed: 11)
        var g = Matrix<Double>.normal(rows: T * B, cols: D, standardDeviation: 1, using: &generator)
        for t in 0..<T { for b in 0..<B where t >= lengths[b] { for j in 0..<D { g[t * B + b, j] = 7 } } }   // padded: ignored
        let r = AdversarialPerturbation(epsilon: 2.5)(inputGradient: g, lengths: lengths)
        for b in 0..<B {
            let real = (0..<lengths[b]).flatMap { t in (0..<D).map { j in (g[t * B + b, j], r[t * B + b, j]) } }
            let gNorm = real.map { $0.0 * $0.0 }.reduce(0, +).squareRoot()
            let rNorm = real.map { $0.1 * $0.1 }.reduce(0, +).squareRoot()
            XCTAssertEqual(rNorm, 2.5, accuracy: 1e-12, "sequence \(b)")
            for (gv, rv) in real { XCTAssertEqual(rv, gv * 2.5 / gNorm, accuracy: 1e-12) }   // along g, same sign
            for t in lengths[b]..<T { for j in 0..<D { XCTAssertEqual(r[t * B + b, j], 0, "padded step \(t) of \(b)") } }
        }
    }

    func testZeroGradientOrZeroNormGivesNoPerturbation() {
        var g = Matrix<Float>(rows: 4, cols: 2)
        g[1, 0] = 3   // sequence 1 of 2 has a gradient, sequence 0 none
        let r = AdversarialPerturbation(epsilon: 1)(inputGradient: g, lengths: [2, 2])
        XCTAssertEqual(r[1, 0], 1)
        XCTAssertEqual(r.squaredNorm, 1)
        XCTAssertFalse(r.storage.contains { $0.isNaN })
        XCTAssertEqual(AdversarialPerturbation(epsilon: 0)(inputGradient: g, lengths: [2, 2]).squaredNorm, 0)
    }
}
