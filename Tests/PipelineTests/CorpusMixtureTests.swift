import Pipeline
import XCTest

/// Weighted sampling of several corpora per epoch: counts follow the weights, the draw is seeded.
final class CorpusMixtureTests: XCTestCase {
    func testAnEpochDrawsWholeCopiesAndAFractionOfEachCorpusAsItsWeightSays() {
        // Corpus 0: indices 0..<10, weight 2; corpus 1: 10..<110, weight 0.25; corpus 2: 110..<113, weight 1.
        let mixture = CorpusMixture(counts: [10, 100, 3], weights: [2, 0.25, 1])
        XCTAssertEqual((0..<3).map(mixture.draws(from:)), [20, 25, 3])
        for epoch in 1...5 {
            let indices = mixture.indices(seed: 7, epoch: epoch)
            var perCorpus = [0, 0, 0]
            for index in indices { perCorpus[index < 10 ? 0 : index < 110 ? 1 : 2] += 1 }
            XCTAssertEqual(perCorpus, [20, 25, 3], "epoch \(epoch)")
            // Weight 2: every example exactly twice; the fraction: no example twice; weight 1: once each.
            XCTAssertEqual(Dictionary(grouping: indices.filter { $0 < 10 }, by: { $0 }).values.map(\.count).sorted(),
                           Array(repeating: 2, count: 10))
            XCTAssertEqual(Set(indices.filter { $0 >= 10 && $0 < 110 }).count, 25)
            XCTAssertEqual(indices.filter { $0 >= 110 }, [110, 111, 112])
        }
    }

    func testTheDrawIsSeededByRunAndEpochAndChangesBetweenEpochs() {
        let mixture = CorpusMixture(counts: [1000], weights: [0.5])
        XCTAssertEqual(mixture.indices(seed: 1, epoch: 3), mixture.indices(seed: 1, epoch: 3), "a resumed epoch redraws the same")
        XCTAssertNotEqual(mixture.indices(seed: 1, epoch: 3), mixture.indices(seed: 1, epoch: 4))
        XCTAssertNotEqual(mixture.indices(seed: 1, epoch: 3), mixture.indices(seed: 2, epoch: 3))
        // Over many epochs every example is drawn about half the time.
        var counts = [Int](repeating: 0, count: 1000)
        for epoch in 1...200 { for index in mixture.indices(seed: 9, epoch: epoch) { counts[index] += 1 } }
        XCTAssertEqual(counts.reduce(0, +), 200 * 500)
        XCTAssertGreaterThan(counts.min()!, 60)
        XCTAssertLessThan(counts.max()!, 140)
    }

    func testWeightsOfOneAreEveryExampleOnceInOrderAndZeroDrawsNothing() {
        let uniform = CorpusMixture(counts: [3, 2], weights: [1, 1])
        XCTAssertTrue(uniform.isUniform)
        XCTAssertEqual(uniform.indices(seed: 5, epoch: 1), [0, 1, 2, 3, 4])
        let none = CorpusMixture(counts: [3, 2], weights: [0, 1])
        XCTAssertFalse(none.isUniform)
        XCTAssertEqual(none.indices(seed: 5, epoch: 1), [3, 4])
    }
}
