import Foundation
import XCTest

/// `nlp train sentiment` on tree files and `nlp classify --explain`, run as a user would.
final class SentimentTreeCommandTests: XCTestCase {
    static let trees = URL(fileURLWithPath: SentimentCommandTests.sample).deletingLastPathComponent()
        .appendingPathComponent("sentiment-trees.sample.txt").path

    func testTrainOnPhrasesEvaluateAndExplain() throws {
        let dir = try TemporaryDirectory()
        let model = dir.path("m.safetensors")
        let train = try NLPRunner.run(["train", "sentiment", "--train", Self.trees, "--dev", Self.trees, "-o", model,
                                       "--epochs", "30", "--patience", "30"] + SentimentCommandTests.smallNetwork)
        XCTAssertEqual(train.status, 0, train.stderr)
        let eval = try NLPRunner.run(["eval", "sentiment", "--model", model, "--json", Self.trees])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(eval.output.utf8)) as? [String: Any]
        XCTAssertEqual((report?["confusion"] as? [[Int]])?.map { $0.reduce(0, +) }, [9, 11],
                       "the 20 sentences (9 negative, 11 positive), not their phrases")
        XCTAssertGreaterThanOrEqual(report?["accuracy"] as? Double ?? 0, 0.9)

        let picture = dir.path("explain.svg")
        let explained = try NLPRunner.run(["classify", "--model", model, "--json", "--explain", picture],
                                          input: "the film is not good .\n\nit is fun .\n")
        XCTAssertEqual(explained.status, 0, explained.stderr)
        let lines = explained.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(lines.count, 3)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        let contributions = first?["explain"] as? [[String: Any]]
        XCTAssertEqual(contributions?.compactMap { $0["token"] as? String }, ["the", "film", "is", "not", "good", "."])
        XCTAssertEqual(contributions?.compactMap { $0["contribution"] as? Double }.count, 6)
        let svg = try String(contentsOfFile: picture, encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<?xml"), svg)
        XCTAssertEqual(svg.components(separatedBy: "class=\"row\"").count - 1, 2, "a row per line with text")
        let plain = try NLPRunner.run(["classify", "--model", model], input: "the film is not good .\n")
        XCTAssertEqual(String(plain.output.split(separator: "\t")[0]), first?["label"] as? String, "the same label as without --explain")

        let nowhere = try NLPRunner.run(["classify", "--model", model, "--explain", dir.path("no/such/x.svg")], input: "fun\n")
        XCTAssertNotEqual(nowhere.status, 0)
        XCTAssertEqual(nowhere.output, "", "checked before anything is classified")
        XCTAssertTrue(nowhere.stderr.contains("no/such"), nowhere.stderr)
    }

    func testAMalformedTreeNamesFileLineAndColumn() throws {
        let dir = try TemporaryDirectory()
        let bad = try dir.write("bad.txt", "(3 (2 fine) (3 good))\n(1 (2 not) (7 good))\n")
        let model = dir.path("m.safetensors")
        let result = try NLPRunner.run(["train", "sentiment", "--train", bad, "-o", model] + SentimentCommandTests.smallNetwork)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("\(bad):2:13: label 7 is out of range 0-4"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: model))
    }
}
