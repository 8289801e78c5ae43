import Foundation
import Pipeline
import XCTest

final class EntityScoresTests: XCTestCase {
    /// gold:      PER(0..<2) LOC(3..<4) | ORG(0..<1)
    /// predicted: PER(0..<2) LOC(2..<4) | ORG(0..<1) MISC(1..<2)
    /// PER and ORG are right; LOC has the wrong span; MISC is spurious.
    func testKnownCounts() throws {
        let gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O"]]
        let predicted = [["B-PER", "I-PER", "B-LOC", "I-LOC"], ["B-ORG", "B-MISC"]]
        let scores = EntityScores(gold: gold, predicted: predicted, scheme: .iob2)
        XCTAssertEqual(scores.overall.support, 3)
        XCTAssertEqual(scores.overall.predicted, 4)
        XCTAssertEqual(scores.overall.correct, 2)
        XCTAssertEqual(scores.overall.precision, 0.5)
        XCTAssertEqual(scores.overall.recall, 2.0 / 3.0)
        XCTAssertEqual(scores.overall.f1, 4.0 / 7.0, accuracy: 1e-15)
        XCTAssertEqual(scores.types, ["LOC", "MISC", "ORG", "PER"])
        XCTAssertEqual(scores.perType["LOC"], EntityScores.Scores(support: 1, predicted: 1, correct: 0))
        XCTAssertEqual(scores.perType["MISC"]?.precision, 0)
        XCTAssertEqual(scores.perType["MISC"]?.recall, 0, "no gold MISC: recall 0, not NaN")
        XCTAssertEqual(scores.perType["PER"]?.f1, 1)
        XCTAssertEqual(scores.macro.f1, 0.5)
        XCTAssertEqual(scores.weighted.f1, 2.0 / 3.0, accuracy: 1e-15)
        XCTAssertEqual(scores.summary,
                       "entity F1 57.14% (precision 50.00%, recall 66.67%; 3 gold, 4 predicted, 2 correct)")
        let decoded = try JSONDecoder().decode(EntityScores.self, from: JSONEncoder().encode(scores))
        XCTAssertEqual(decoded, scores)
    }

    /// An entity at the end of one sentence and one at the start of the next are two entities,
    /// even when their tags would join within a sentence.
    func testSentencesDoNotRunIntoEachOther() {
        let gold = [["O", "B-PER"], ["I-PER", "O"]]
        let scores = EntityScores(gold: gold, predicted: [["O", "B-PER"], ["O", "O"]], scheme: .iob2)
        XCTAssertEqual(scores.overall.support, 2)
        XCTAssertEqual(scores.overall.correct, 1)
    }

    func testNoEntitiesGivesZerosNotNaN() {
        let scores = EntityScores(gold: [["O"], []], predicted: [["O"], []], scheme: .iob2)
        XCTAssertEqual(scores.overall, EntityScores.Scores(support: 0, predicted: 0, correct: 0))
        XCTAssertEqual([scores.overall.precision, scores.overall.recall, scores.overall.f1], [0, 0, 0])
        XCTAssertEqual(scores.macro.f1, 0)
        XCTAssertEqual(scores.weighted.f1, 0)
        XCTAssertTrue(scores.perType.isEmpty)
    }

    func testBIOESAndIOB1InputScoreLikeTheirIOB2Conversion() {
        let gold = [["B-PER", "E-PER", "S-LOC", "O"], ["S-ORG", "B-MISC", "I-MISC", "E-MISC"]]
        let predicted = [["B-PER", "E-PER", "O", "O"], ["S-ORG", "B-MISC", "E-MISC", "S-MISC"]]
        let bioes = EntityScores(gold: gold, predicted: predicted, scheme: .bioes)
        let toIOB2 = { (s: [[String]]) in s.map { TagScheme.convert($0, from: .bioes, to: .iob2) } }
        let toIOB1 = { (s: [[String]]) in s.map { TagScheme.convert($0, from: .bioes, to: .iob1) } }
        let iob2 = EntityScores(gold: toIOB2(gold), predicted: toIOB2(predicted), scheme: .iob2)
        let iob1 = EntityScores(gold: toIOB1(gold), predicted: toIOB1(predicted), scheme: .iob1)
        XCTAssertEqual(bioes.overall, iob2.overall)
        XCTAssertEqual(bioes.perType, iob2.perType)
        XCTAssertEqual(iob1.perType, iob2.perType)
        XCTAssertEqual(bioes.overall.correct, 2)
        XCTAssertEqual(bioes.overall.predicted, 4)
    }
}
