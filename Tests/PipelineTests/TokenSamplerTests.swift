import Pipeline
import XCTest

final class TokenSamplerTests: XCTestCase {
    let probabilities = [0, 0.05, 0.4, 0.3, 0.15, 0.1, 0]   // ids 0 and 6 impossible

    /// Top-k and top-p never draw outside their sets, zero-probability tokens never come out, and
    /// temperature 0 is the most probable token.
    func testDrawsStayInsideTheirSets() {
        func draws(_ sampler: TokenSampler) -> Set<Int> {
            var sampler = sampler
            return Set((0..<2000).map { _ in sampler.draw(probabilities)! })
        }
        XCTAssertEqual(draws(TokenSampler(seed: 1)), [1, 2, 3, 4, 5])
        XCTAssertEqual(draws(TokenSampler(topK: 2, seed: 1)), [2, 3])
        XCTAssertEqual(draws(TokenSampler(topP: 0.7, seed: 1)), [2, 3], "0.4 + 0.3 reach 0.7")
        XCTAssertEqual(draws(TokenSampler(topP: 0.71, seed: 1)), [2, 3, 4])
        XCTAssertEqual(draws(TokenSampler(topK: 4, topP: 0.01, seed: 1)), [2], "at least one token")
        XCTAssertEqual(draws(TokenSampler(temperature: 0, seed: 1)), [2])
    }

    /// The renormalised candidates: temperature T reshapes p to p^(1/T) before the cuts.
    func testCandidatesFollowTheirDefinitions() {
        let sharp = TokenSampler(temperature: 0.5, seed: 1).candidates(probabilities)
        let squares = probabilities.map { $0 * $0 }, total = squares.reduce(0, +)
        XCTAssertEqual(sharp.map(\.id), [2, 3, 4, 5, 1])
        for candidate in sharp { XCTAssertEqual(candidate.probability, squares[candidate.id] / total, accuracy: 1e-12) }
        let nucleus = TokenSampler(topP: 0.8, seed: 1).candidates(probabilities)
        XCTAssertEqual(nucleus.map(\.id), [2, 3, 4])
        XCTAssertEqual(nucleus[0].probability, 0.4 / 0.85, accuracy: 1e-12)
    }

    /// The same seed draws the same tokens; another seed others; the empirical frequencies follow p.
    func testSeededDrawsAreReproducibleAndFollowTheDistribution() {
        var a = TokenSampler(seed: 5), b = TokenSampler(seed: 5), c = TokenSampler(seed: 6)
        let first = (0..<50).map { _ in a.draw(probabilities)! }
        XCTAssertEqual(first, (0..<50).map { _ in b.draw(probabilities)! })
        XCTAssertNotEqual(first, (0..<50).map { _ in c.draw(probabilities)! })
        var counts = [Int](repeating: 0, count: probabilities.count)
        for _ in 0..<20_000 { counts[a.draw(probabilities)!] += 1 }
        for (id, p) in probabilities.enumerated() { XCTAssertEqual(Double(counts[id]) / 20_000, p, accuracy: 0.015, "id \(id)") }
    }

    /// Nothing to draw (no positive, finite probability: a damaged model's NaN scores) is nil.
    func testNothingToDrawIsNil() {
        var sampler = TokenSampler(topK: 3, seed: 1)
        XCTAssertNil(sampler.draw([0, .nan, 0]))
        XCTAssertNil(sampler.draw([]))
        XCTAssertEqual(sampler.draw([.nan, 0.5, .infinity]), 1)
    }

    func testBadSettingsAreNamed() {
        XCTAssertEqual(TokenSampler(temperature: -1, seed: 1).problem, "--temperature must be a number ≥ 0")
        XCTAssertEqual(TokenSampler(topK: 0, seed: 1).problem, "--top-k must be at least 1")
        XCTAssertEqual(TokenSampler(topP: 1.5, seed: 1).problem, "--top-p must be in (0, 1]")
        XCTAssertNil(TokenSampler(temperature: 0.7, topK: 40, topP: 0.9, seed: 1).problem)
    }
}
