import Pipeline
import XCTest

/// TagScheme.entities and EntityScores against seqeval 1.2.2 (default mode) on the committed
/// fixture; see Scripts/reference/make_seqeval_fixture.py.
final class SeqevalReferenceTests: XCTestCase {
    func testFixtureCoversTheNastyCases() throws {
        let fixture = try SeqevalFixture.load()
        XCTAssertEqual(fixture.seqevalVersion, "1.2.2")
        XCTAssertGreaterThan(fixture.entities.count, 800)
        XCTAssertEqual(fixture.scores.map(\.name), ["nasty_iob2", "iob1", "bioes", "empty_prediction", "no_entities",
                                                    "perfect", "random_all_prefixes", "random_iob2_tagger"])
        let sequences = Set(fixture.entities.map(\.tags))
        let nasty: [[String]] = [
            ["O", "I-MISC", "O"],                                  // I- after O
            ["O", "B-ORG", "I-LOC", "I-LOC", "O", "B-MISC"],       // a type switch inside a span
            ["I-PER", "I-PER", "B-PER", "O"],                      // B- after I- of the same type
            ["B-LOC", "B-LOC", "O"], ["B-MISC"],                   // single-token entities
            ["O", "B-PER", "I-PER", "I-PER"],                      // an entity at the end
            ["I-ORG", "B-ORG", "I-ORG", "O"],                      // IOB1
            ["S-MISC", "E-PER", "O", "B-LOC", "E-LOC", "E-LOC"],   // BIOES, invalid
            ["O", "O", "O"], [],                                   // no entity, an empty sentence
        ]
        for sequence in nasty { XCTAssertTrue(sequences.contains(sequence), "\(sequence)") }
    }

    func testEntitiesEqualSeqevalGetEntities() throws {
        let fixture = try SeqevalFixture.load()
        var entities = 0
        for sample in fixture.entities {
            let expected = sample.entities.map(\.span)
            for scheme in TagScheme.allCases {
                XCTAssertEqual(TagScheme.entities(in: sample.tags, scheme: scheme), expected, "\(sample.tags) \(scheme)")
            }
            entities += expected.count
        }
        XCTAssertGreaterThan(entities, 1000)
    }

    func testScoresEqualSeqeval() throws {
        let fixture = try SeqevalFixture.load()
        for sample in fixture.scores {
            let scores = EntityScores(gold: sample.gold, predicted: sample.predicted, scheme: sample.scheme)
            let name = sample.name
            XCTAssertEqual(scores.scheme, sample.scheme)
            XCTAssertEqual(scores.overall.support, sample.counts.gold, name)
            XCTAssertEqual(scores.overall.predicted, sample.counts.predicted, name)
            XCTAssertEqual(scores.overall.correct, sample.counts.correct, name)
            // Micro and per-type scores are the same divisions as seqeval's: equal to the last bit.
            XCTAssertEqual(scores.overall.precision, sample.micro.precision, name)
            XCTAssertEqual(scores.overall.recall, sample.micro.recall, name)
            XCTAssertEqual(scores.overall.f1, sample.micro.f1, name)
            XCTAssertEqual(scores.overall.support, sample.micro.support, name)
            XCTAssertEqual(scores.overall.precision, sample.precisionScore, name)
            XCTAssertEqual(scores.overall.recall, sample.recallScore, name)
            XCTAssertEqual(scores.overall.f1, sample.f1Score, name)
            XCTAssertEqual(Set(scores.perType.keys), Set(sample.perType.keys), name)
            XCTAssertEqual(scores.types, sample.perType.keys.sorted(), name)
            for (type, expected) in sample.perType {
                guard let actual = scores.perType[type] else { continue }
                XCTAssertEqual(actual.precision, expected.precision, "\(name) \(type)")
                XCTAssertEqual(actual.recall, expected.recall, "\(name) \(type)")
                XCTAssertEqual(actual.f1, expected.f1, "\(name) \(type)")
                XCTAssertEqual(actual.support, expected.support, "\(name) \(type)")
                XCTAssertEqual(actual.predicted, expected.predicted, "\(name) \(type)")
                XCTAssertEqual(actual.correct, expected.correct, "\(name) \(type)")
            }
            // Averages are sums in another order than numpy's: equal to about 1e-15.
            let averages = [(scores.weighted, Optional(sample.weighted), "weighted"),
                            (scores.macro, sample.macro, "macro")]
            for (actual, expected, kind) in averages {
                guard let expected else {
                    XCTAssertEqual([actual.precision, actual.recall, actual.f1], [0, 0, 0], "\(name) \(kind): 0 where seqeval has NaN")
                    continue
                }
                XCTAssertEqual(actual.precision, expected.precision, accuracy: 1e-12, "\(name) \(kind)")
                XCTAssertEqual(actual.recall, expected.recall, accuracy: 1e-12, "\(name) \(kind)")
                XCTAssertEqual(actual.f1, expected.f1, accuracy: 1e-12, "\(name) \(kind)")
                XCTAssertEqual(actual.support, expected.support, "\(name) \(kind)")
            }
        }
    }

    func testReportTextEqualsSeqevalClassificationReport() throws {
        let fixture = try SeqevalFixture.load()
        var compared = 0
        for sample in fixture.scores {
            let scores = EntityScores(gold: sample.gold, predicted: sample.predicted, scheme: sample.scheme)
            guard let two = sample.reportDigits2, let four = sample.reportDigits4 else {
                XCTAssertTrue(scores.perType.isEmpty, sample.name)
                XCTAssertTrue(scores.text().hasSuffix("weighted avg       0.00      0.00      0.00         0\n"), scores.text())
                continue
            }
            XCTAssertEqual(scores.text(), two, sample.name)
            XCTAssertEqual(scores.text(digits: 4), four, sample.name)
            compared += 1
        }
        XCTAssertEqual(compared, 7)
    }
}
