import NLPTestSupport
import Seq2Seq
import Tensor
import XCTest

/// Greedy and beam search on small random translators.
final class TranslationSearchTests: XCTestCase {
    func model(targetVocabulary: Int, seed: UInt64, scale: Double = 3) -> Translator<Double> {
        var generator = SeededGenerator(seed: seed)
        let model = Translator<Double>(configuration: TranslatorConfiguration(
            sourceVocabularySize: 9, targetVocabularySize: targetVocabulary, embeddingDimension: 4,
            encoder: EncoderConfiguration(cell: .gru, inputSize: 4, hiddenSize: 3, bidirectional: true),
            decoderHiddenSize: 5, attention: .additive, attentionSize: 4), generator: &generator)
        // Sharper distributions than the initialisation's, so hypotheses differ clearly in score.
        for parameter in model.parameters { for i in 0..<parameter.value.count { parameter.value.storage[i] *= scale } }
        return model
    }

    let sources = [[4, 5, 6], [7], [8, 4, 4, 5, 6], [5, 5]]

    func testBeamOneEqualsGreedy() {
        for seed: UInt64 in 1...6 {
            let translator = model(targetVocabulary: 12, seed: seed)
            let lengths = [6, 3, 8, 0]
            let greedy = translator.greedy(sources, maximumLengths: lengths)
            let beam = translator.beamSearch(sources, beam: 1, nBest: 1, maximumLengths: lengths, lengthNormalization: 0)
            for (g, b) in zip(greedy, beam) {
                XCTAssertEqual(g.ids, b[0].ids, "seed \(seed)")
                XCTAssertEqual(g.logProbability, b[0].logProbability, accuracy: 1e-9)
                XCTAssertEqual(g.alignments.count, g.ids.count + 1)
            }
            XCTAssertEqual(greedy[3].ids, [], "maximum length 0 allows only </s>")
        }
    }

    /// log p(y | x) of a whole target by teacher forcing (the loss times the token count).
    func logProbability(_ translator: Translator<Double>, source: [Int], target: [Int]) -> Double {
        let (sum, _) = translator.loss(sources: [source], targets: [target], training: false, computeGradients: false)
        return -sum
    }

    /// With a beam as wide as the number of live hypotheses can grow, the search is exhaustive: it
    /// must return exactly the best sequence found by enumerating every target up to the maximum length.
    func testBeamSearchFindsTheBestSequenceByBruteForce() {
        let words = [1, 4, 5]   // <unk> and two words; <pad> and <s> are never emitted, </s> ends
        let maximumLength = 3
        var all: [[Int]] = [[]]
        var frontier: [[Int]] = [[]]
        for _ in 0..<maximumLength {
            frontier = frontier.flatMap { prefix in words.map { prefix + [$0] } }
            all += frontier
        }
        for seed: UInt64 in 1...5 {
            let translator = model(targetVocabulary: 6, seed: seed)
            for source in sources {
                let scored = all.map { ($0, logProbability(translator, source: source, target: $0)) }
                let best = scored.max { $0.1 < $1.1 }!
                let found = translator.beamSearch([source], beam: 27, nBest: 3, maximumLengths: [maximumLength],
                                                  lengthNormalization: 0)[0]
                XCTAssertEqual(found[0].ids, best.0, "seed \(seed), source \(source)")
                XCTAssertEqual(found[0].logProbability, best.1, accuracy: 1e-9)
                // The n-best list is the next best sequences, in order, with their true log-probabilities.
                let ranked = scored.sorted { $0.1 > $1.1 }
                XCTAssertEqual(found.map(\.ids), ranked.prefix(3).map(\.0))
                for hypothesis in found {
                    XCTAssertEqual(hypothesis.logProbability,
                                   logProbability(translator, source: source, target: hypothesis.ids), accuracy: 1e-9)
                }
            }
        }
    }

    /// A narrow beam is still a valid search: n-best sorted by normalised score, lengths respected.
    func testNarrowBeamOrderAndLengths() {
        let translator = model(targetVocabulary: 12, seed: 9)
        let results = translator.beamSearch(sources, beam: 4, nBest: 4, maximumLengths: [5, 5, 5, 5], lengthNormalization: 1)
        for list in results {
            XCTAssertEqual(list.count, 4)
            XCTAssertEqual(list.map(\.score), list.map(\.score).sorted(by: >))
            for hypothesis in list {
                XCTAssertLessThanOrEqual(hypothesis.ids.count, 5)
                XCTAssertEqual(hypothesis.score, hypothesis.logProbability / Double(hypothesis.ids.count + 1), accuracy: 1e-12)
                XCTAssertFalse(hypothesis.ids.contains { $0 == 0 || $0 == 2 || $0 == 3 })
            }
        }
    }
}
