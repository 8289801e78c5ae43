import Foundation
import NLPTestSupport
import Pipeline
import XCTest

final class SentimentTreeTests: XCTestCase {
    func tree(_ line: String) throws -> SentimentTree {
        try SentimentTree(parsing: Array(line.utf8), path: "t.txt", line: 7)
    }

    func failure(_ line: String) -> String {
        do { _ = try tree(line); return "no error" } catch { return "\(error)" }
    }

    func testNodesComeChildrenFirstWithTheirPhrases() throws {
        let parsed = try tree("(3 (2 (2 The) (2 Rock)) (4 (3 (2 is) (4 great)) (2 .)))")
        XCTAssertEqual(parsed.words, ["The", "Rock", "is", "great", "."])
        XCTAssertEqual(parsed.label, 3)
        XCTAssertEqual(parsed.line, 7)
        XCTAssertEqual(parsed.nodes.map(\.label), [2, 2, 2, 2, 4, 3, 2, 4, 3])
        XCTAssertEqual(parsed.nodes.map(parsed.text(of:)), ["The", "Rock", "The Rock", "is", "great", "is great", ".",
                                                             "is great .", "The Rock is great ."])
        XCTAssertEqual(try tree("(1 bad)").nodes, [.init(label: 1, words: 0..<1)], "a one-word sentence")
    }

    func testWordsAreDecodedAndMayHoldSpaces() throws {
        let parsed = try tree("(2 (2 -LRB-) (2 (2 2 1\\/2) (2 (2 \\*\\*\\*) (2 -RRB-))))\r")
        XCTAssertEqual(parsed.words, ["(", "2 1/2", "***", ")"])
        XCTAssertEqual(try tree("  (4 (4 good)  (2 .) )  ").words, ["good", "."], "spaces around nodes")
    }

    func testMalformedTreesNameLineAndColumn() {
        XCTAssertEqual(failure("(3 (2 a) (2 b)"), "t.txt:7:15: unbalanced brackets: the line ends before the ')' of the node opened at column 1")
        XCTAssertEqual(failure("(3 (2 a"), "t.txt:7:8: unbalanced brackets: the line ends before the ')' of the leaf opened at column 4")
        XCTAssertEqual(failure("(3 (2 a) (2 b)))"), "t.txt:7:16: unbalanced brackets: ')' closes no node")
        XCTAssertEqual(failure("(x (2 a))"), "t.txt:7:2: missing label: '(' must be followed by a label 0-4")
        XCTAssertEqual(failure("(3 (7 a))"), "t.txt:7:5: label 7 is out of range 0-4")
        XCTAssertEqual(failure("(3 (99999999999999999999999 a))"), "t.txt:7:5: label 99999999999999999999999 is out of range 0-4")
        XCTAssertEqual(failure("(3(2 a))"), "t.txt:7:3: expected a space after the label")
        XCTAssertEqual(failure("(3 (2 ))"), "t.txt:7:7: empty word")
        XCTAssertEqual(failure("(3 (2 a) b)"), "t.txt:7:10: expected '(' or ')', found text between nodes")
        XCTAssertEqual(failure("(3 (2 a(b))"), "t.txt:7:8: '(' inside a word; a leaf is (LABEL word)")
        XCTAssertEqual(failure("(3 a) (2 b)"), "t.txt:7:7: a second tree on the line; one tree a line")
        XCTAssertEqual(failure("(3 a) b"), "t.txt:7:7: text after the tree; one tree a line")
        XCTAssertEqual(failure("3 a"), "t.txt:7:1: expected '(' to start a tree")
        XCTAssertEqual(failure(""), "t.txt:7:1: expected '(' to start a tree")
    }

    func testDeepNestingDoesNotRecurse() throws {
        let depth = 100_000
        let line = String(repeating: "(1 ", count: depth) + "(1 x)" + String(repeating: ")", count: depth)
        XCTAssertEqual(try tree(line).nodes.count, depth + 1)
    }

    func testTheSampleFileReadsAsSentencesOrPhrases() throws {
        let sample = URL(fileURLWithPath: TextClassifierTrainingTests.sample).deletingLastPathComponent()
            .appendingPathComponent("sentiment-trees.sample.txt").path
        XCTAssertEqual(try LabeledTextFormat.detect(path: sample), .sstTrees)
        let sentences = try LabeledTextFormat.sstTrees.read(path: sample)
        XCTAssertEqual(sentences.count, 20, "no neutral sentence in the sample")
        XCTAssertEqual(sentences[1], LabeledText(text: "the film is not good .", label: "0", line: 2))
        let phrases = try LabeledTextFormat.sstTrees.read(path: sample, treeLabels: .fine, phrases: true)
        let trees = try SentimentTree.readAll(path: sample)
        XCTAssertEqual(phrases.count, trees.reduce(0) { $0 + $1.nodes.count })
        XCTAssertTrue(phrases.contains(LabeledText(text: "not good .", label: "1", line: 2)))
    }

    /// The counts of the corpora README: trees, labelled nodes, root labels per file.
    func testTheSharedTreebankHasTheDocumentedCounts() throws {
        let folder = try TemporaryFolder.sharedCorpora().appendingPathComponent("sst_trees")
        for (name, count, nodes, roots, binarySentences) in [
            ("train.txt", 8_544, 318_582, [1_092, 2_218, 1_624, 2_322, 1_288], 6_920),
            ("dev.txt", 1_101, 41_447, [139, 289, 229, 279, 165], 872),
            ("test.txt", 2_210, 82_600, [279, 633, 389, 510, 399], 1_821),
        ] {
            let path = folder.appendingPathComponent(name).path
            let trees = try SentimentTree.readAll(path: path)
            XCTAssertEqual(trees.count, count, name)
            XCTAssertEqual(trees.reduce(0) { $0 + $1.nodes.count }, nodes, name)
            XCTAssertEqual((0...4).map { label in trees.filter { $0.label == label }.count }, roots, name)
            XCTAssertEqual(try LabeledTextFormat.sstTrees.read(path: path).count, binarySentences, name)
        }
        let binaryPhrases = try LabeledTextFormat.sstTrees.read(path: folder.appendingPathComponent("train.txt").path, phrases: true)
        XCTAssertEqual(binaryPhrases.count, 98_794, "the non-neutral nodes of the training trees")
    }
}
