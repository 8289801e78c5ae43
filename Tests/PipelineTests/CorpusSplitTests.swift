import Pipeline
import XCTest

/// The held-out split groups pairs by their source sentence: none is in two of train, dev and test.
final class CorpusSplitTests: XCTestCase {
    /// 300 source sentences, each with 1-3 translations, some differing only in case or spacing.
    func corpus() -> [SentencePair] {
        var pairs: [SentencePair] = []
        for sentence in 0..<300 {
            for translation in 0..<(1 + sentence % 3) {
                let source = translation == 1 ? "SENTENCE  \(sentence)." : "Sentence \(sentence)."
                pairs.append(SentencePair(source: source, target: "Satz \(sentence) (\(translation)).", line: pairs.count + 1))
            }
        }
        return pairs
    }

    func testNoSourceSentenceIsInTwoSplitsAndTheCountsAreDistinctSentences() throws {
        let pairs = corpus()
        let split = try CorpusSplit(pairs, devSentences: 30, testSentences: 40, seed: 1)
        let keys = [split.train, split.dev, split.test].map { Set($0.map { CorpusSplit.key($0.source) }) }
        XCTAssertEqual(keys.map(\.count), [230, 30, 40])
        XCTAssertTrue(keys[0].isDisjoint(with: keys[1]) && keys[0].isDisjoint(with: keys[2]) && keys[1].isDisjoint(with: keys[2]))
        XCTAssertEqual(split.train.count + split.dev.count + split.test.count, pairs.count, "every pair in one split")
        // Each split keeps file order.
        for part in [split.train, split.dev, split.test] { XCTAssertEqual(part.map(\.line), part.map(\.line).sorted()) }
    }

    func testTheSplitDependsOnTheSeedNotOnTheOrderOfTheLines() throws {
        let pairs = corpus()
        let split = try CorpusSplit(pairs, devSentences: 30, testSentences: 40, seed: 1)
        let shuffled = try CorpusSplit(pairs.reversed(), devSentences: 30, testSentences: 40, seed: 1)
        XCTAssertEqual(Set(shuffled.test.map(\.line)), Set(split.test.map(\.line)))
        XCTAssertEqual(Set(shuffled.dev.map(\.line)), Set(split.dev.map(\.line)))
        let other = try CorpusSplit(pairs, devSentences: 30, testSentences: 40, seed: 2)
        XCTAssertNotEqual(Set(other.test.map(\.line)), Set(split.test.map(\.line)))
    }

    func testASplitThatLeavesNoTrainingSentenceIsRefused() {
        XCTAssertThrowsError(try CorpusSplit(corpus(), devSentences: 150, testSentences: 150, seed: 1)) { error in
            XCTAssertTrue("\(error)".contains("leave no training sentence"), "\(error)")
        }
    }
}
