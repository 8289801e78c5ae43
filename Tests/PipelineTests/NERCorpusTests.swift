import Foundation
import NLPTestSupport
import Pipeline
import XCTest

/// Reads the real CoNLL-2003 and WNUT-17 files in ../shared/corpora and checks the counts its
/// README gives; skipped when the folder is absent.
final class NERCorpusTests: XCTestCase {
    private func sharedCorpus(_ name: String) throws -> URL {
        let folder = try TemporaryFolder.sharedCorpora().appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: folder.path) else {
            throw XCTSkip("\(folder.path) not found; skipping the real-corpus test (see DESIGN.md, Data)")
        }
        return folder
    }

    private struct Counts: Equatable {
        var sentences = 0
        var tokens = 0
        var documents = 0
        var entities: [String: Int] = [:]
    }

    /// Reads `path` streaming, counting, and checking on every sentence that the tags are valid
    /// IOB2 under the transition masks and convert to BIOES and back unchanged.
    private func read(_ path: String, tagSet: [String]) throws -> (Counts, [[String]]) {
        let masks = TagScheme.allowedTransitions(tags: tagSet, scheme: .iob2)
        var counts = Counts()
        var allTags: [[String]] = []
        try CoNLLReader(path: path).forEachSentence { sentence in
            counts.sentences += 1
            counts.tokens += sentence.count
            if sentence.documentStart != nil { counts.documents += 1 }
            let tags = sentence.tags
            for entity in TagScheme.entities(in: tags, scheme: .iob2) { counts.entities[entity.type, default: 0] += 1 }
            let ids = tags.map { tagSet.firstIndex(of: $0) ?? -1 }
            XCTAssertFalse(ids.contains(-1), "\(path):\(sentence.lineNumbers[0]): unknown tag in \(tags)")
            if !ids.contains(-1) {
                let valid = masks.start[ids[0]] && masks.end[ids.last!] && zip(ids, ids.dropFirst()).allSatisfy { masks.transitions[$0][$1] }
                XCTAssertTrue(valid, "\(path):\(sentence.lineNumbers[0])")
            }
            XCTAssertEqual(TagScheme.convert(TagScheme.convert(tags, from: .iob2, to: .bioes), from: .bioes, to: .iob2), tags)
            allTags.append(tags)
        }
        return (counts, allTags)
    }

    /// The project's own sample (always there): the counts in corpora/README.md, and entity
    /// counts equal to its number of B- tags (valid IOB2: one B- per entity).
    func testProjectSampleCounts() throws {
        let path = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("corpora/sample.conll").path
        let tagSet = ["O"] + ["PER", "LOC", "ORG", "MISC"].flatMap { ["B-\($0)", "I-\($0)"] }
        let (counts, tags) = try read(path, tagSet: tagSet)
        XCTAssertEqual(counts, Counts(sentences: 32, tokens: 275, documents: 5,
                                      entities: ["LOC": 20, "MISC": 5, "ORG": 14, "PER": 10]))
        XCTAssertEqual(TagScheme.detect(tags), .iob2)
    }

    func testCoNLL2003CountsMatchTheREADME() throws {
        let folder = try sharedCorpus("conll2003")
        let tagSet = ["O"] + ["PER", "LOC", "ORG", "MISC"].flatMap { ["B-\($0)", "I-\($0)"] }
        let expected: [(String, Counts)] = [
            ("train.txt", Counts(sentences: 14041, tokens: 203_621, documents: 946,
                                 entities: ["LOC": 7140, "MISC": 3438, "ORG": 6321, "PER": 6600])),
            ("valid.txt", Counts(sentences: 3250, tokens: 51362, documents: 216,
                                 entities: ["LOC": 1837, "MISC": 922, "ORG": 1341, "PER": 1842])),
            ("test.txt", Counts(sentences: 3453, tokens: 46435, documents: 231,
                                entities: ["LOC": 1668, "MISC": 702, "ORG": 1661, "PER": 1617])),
        ]
        for (name, counts) in expected {
            let (actual, tags) = try read(folder.appendingPathComponent(name).path, tagSet: tagSet)
            XCTAssertEqual(actual, counts, name)
            XCTAssertEqual(TagScheme.detect(tags), .iob2, name)
        }
        // Scoring the gold tags against themselves finds every entity.
        let (_, test) = try read(folder.appendingPathComponent("test.txt").path, tagSet: tagSet)
        let scores = EntityScores(gold: test, predicted: test, scheme: .iob2)
        XCTAssertEqual(scores.overall, EntityScores.Scores(support: 5648, predicted: 5648, correct: 5648))
    }

    func testWNUT17TrainCountsMatchTheREADME() throws {
        let folder = try sharedCorpus("wnut17")
        let path = folder.appendingPathComponent("wnut17train.conll").path
        let types = ["person", "location", "corporation", "product", "creative-work", "group"]
        let (counts, tags) = try read(path, tagSet: ["O"] + types.flatMap { ["B-\($0)", "I-\($0)"] })
        XCTAssertEqual(counts.sentences, 3394)
        XCTAssertEqual(counts.tokens, 62730)
        XCTAssertEqual(counts.documents, 0)
        XCTAssertEqual(Set(counts.entities.keys), Set(types))
        XCTAssertEqual(TagScheme.detect(tags), .iob2)
        var columns = Set<Int>()
        try CoNLLReader(path: path).forEachSentence { columns.insert($0.columnCount) }
        XCTAssertEqual(columns, [2])
    }
}
