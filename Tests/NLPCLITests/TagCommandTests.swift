import Foundation
import XCTest

/// `nlp train tagger`, `nlp tag` and `nlp eval tagger` run as a user would.
final class TagCommandTests: XCTestCase {
    static let sample = NLPRunner.packageRoot.appendingPathComponent("corpora/sample.conll").path

    /// One small tagger for all tests of this class (training it takes a few seconds).
    static let model: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("TagCommandTests-\(getpid()).safetensors").path
        let result = try! NLPRunner.run(["train", "tagger", "--train", sample, "--dev", sample, "-o", path, "--epochs", "40",
                                         "--patience", "40", "--word-dim", "16", "--char-dim", "8", "--char-hidden", "8",
                                         "--hidden", "24", "--dropout", "0.2", "--batch-size", "4", "--lr", "0.02", "-q"])
        precondition(result.status == 0, result.stderr)
        return path
    }()

    override class func tearDown() { try? FileManager.default.removeItem(atPath: model) }

    func testJSONOffsetsPointAtTheEntityTextInTheOriginalFile() throws {
        let dir = try TemporaryDirectory()
        // Non-ASCII before the entities, several lines, two sentences on one line.
        let text = "Ünïcödé first line.\nLena Hoffmann joined Kessler in Munich last year. Profits rose.\n\nKessler said so.\n"
        let file = try dir.write("in.txt", text)
        let result = try NLPRunner.run(["tag", "--model", Self.model, "--output", "json", file])
        XCTAssertEqual(result.status, 0, result.stderr)
        let scalars = Array(text.unicodeScalars)
        func slice(_ start: Int, _ end: Int) -> String { String(String.UnicodeScalarView(scalars[start..<end])) }
        var entities: [String] = []
        for line in result.output.split(separator: "\n") {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertEqual(object["file"] as? String, file)
            XCTAssertEqual(slice(object["start"] as! Int, object["end"] as! Int), object["text"] as? String)
            for entity in object["entities"] as! [[String: Any]] {
                XCTAssertEqual(slice(entity["start"] as! Int, entity["end"] as! Int), entity["text"] as? String)
                entities.append("\(entity["type"]!) \(entity["text"]!)")
            }
            for token in object["tokens"] as! [[String: Any]] {
                XCTAssertEqual(slice(token["start"] as! Int, token["end"] as! Int), token["text"] as? String)
            }
        }
        XCTAssertTrue(entities.contains("PER Lena Hoffmann"), "\(entities)")
        XCTAssertTrue(entities.contains("LOC Munich"), "\(entities)")
    }

    /// bench-tag runs what `nlp tag --output json` runs: the same tokens and JSON bytes, for one
    /// model and for an ensemble; a missing file is an error.
    func testBenchTagCountsWhatTagWrites() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write("in.txt", "Lena Hoffmann joined Kessler in Munich last year. Profits rose.\n\nKessler said so.\n")
        let tagged = try NLPRunner.run(["tag", "--model", Self.model, "--output", "json", file])
        XCTAssertEqual(tagged.status, 0, tagged.stderr)
        let tokens = try tagged.output.split(separator: "\n").reduce(0) { count, line in
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return count + (object["tokens"] as! [[String: Any]]).count
        }
        for models in [[Self.model], [Self.model, Self.model]] {
            let bench = try NLPRunner.run(["bench-tag", "--repeats", "1"] + models.flatMap { ["--model", $0] } + [file])
            XCTAssertEqual(bench.status, 0, bench.stderr)
            let figures = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(bench.output.utf8)) as? [String: Any])
            XCTAssertEqual(figures["tokens"] as? Int, tokens, "\(models.count) models")
            XCTAssertEqual(figures["json_bytes"] as? Int, tagged.output.utf8.count, "\(models.count) models")
            XCTAssertGreaterThan(figures["tag_json_tok_s"] as? Double ?? 0, 0)
        }
        let missing = try NLPRunner.run(["bench-tag", "--model", Self.model, dir.path("none.txt")])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("none.txt"), missing.stderr)
    }

    func testInlineConllAndEval() throws {
        let inline = try NLPRunner.run(["tag", "--model", Self.model], input: "Lena Hoffmann joined Kessler in Munich last year.\n\nok\n")
        XCTAssertEqual(inline.status, 0, inline.stderr)
        XCTAssertEqual(inline.output, "[PER Lena Hoffmann] joined [ORG Kessler] in [LOC Munich] last year.\n\nok\n")

        let conll = try NLPRunner.run(["tag", "--model", Self.model, "--input", "conll", Self.sample])
        XCTAssertEqual(conll.status, 0, conll.stderr)
        let input = try String(contentsOfFile: Self.sample, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let output = conll.output.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(output.count, input.count)
        for (a, b) in zip(input, output) where !a.isEmpty {
            XCTAssertTrue(b.hasPrefix(a + " "), "\(b) extends \(a)")
            XCTAssertEqual(b.split(separator: " ").count, a.split(separator: " ").count + 1)
        }

        // Tokens only, one column: the predicted tag becomes the second.
        let tokensOnly = try NLPRunner.run(["tag", "--model", Self.model, "--input", "conll"], input: "Lena\nHoffmann\njoined\n\nMunich\n")
        XCTAssertEqual(tokensOnly.status, 0, tokensOnly.stderr)
        XCTAssertEqual(tokensOnly.output.split(separator: "\n").map { $0.split(separator: " ").count }, [2, 2, 2, 2])
        XCTAssertTrue(tokensOnly.output.hasPrefix("Lena B-PER\nHoffmann I-PER\n"), tokensOnly.output)

        let eval = try NLPRunner.run(["eval", "tagger", "--model", Self.model, "--json", Self.sample])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let scores = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(eval.output.utf8)) as? [String: Any])
        let overall = try XCTUnwrap(scores["overall"] as? [String: Any])
        XCTAssertGreaterThan(overall["f1"] as? Double ?? 0, 0.95)
        XCTAssertEqual(overall["support"] as? Int, 49)

        // `-` is standard input, for text and CoNLL input.
        let dashText = try NLPRunner.run(["tag", "--model", Self.model, "-"], input: "Lena Hoffmann joined Kessler in Munich last year.\n\nok\n")
        XCTAssertEqual(dashText.status, 0, dashText.stderr)
        XCTAssertEqual(dashText.output, inline.output)
        let dashCoNLL = try NLPRunner.run(["tag", "--model", Self.model, "--input", "conll", "-"], input: "Lena\nHoffmann\njoined\n\nMunich\n")
        XCTAssertEqual(dashCoNLL.status, 0, dashCoNLL.stderr)
        XCTAssertEqual(dashCoNLL.output, tokensOnly.output)

        // The model with itself as an ensemble (two --model options) tags and scores as alone.
        let twice = try NLPRunner.run(["tag", "--model", Self.model, "--model", Self.model],
                                      input: "Lena Hoffmann joined Kessler in Munich last year.\n\nok\n")
        XCTAssertEqual(twice.status, 0, twice.stderr)
        XCTAssertEqual(twice.output, inline.output)
        let evalTwice = try NLPRunner.run(["eval", "tagger", "--model", Self.model, "--model", Self.model, "--json", Self.sample])
        XCTAssertEqual(evalTwice.status, 0, evalTwice.stderr)
        XCTAssertEqual(evalTwice.output, eval.output)
        let notAModel = try NLPRunner.run(["eval", "tagger", "--model", Self.model, "--model", Self.sample, Self.sample])
        XCTAssertNotEqual(notAModel.status, 0)
        XCTAssertTrue(notAModel.stderr.contains(Self.sample), notAModel.stderr)
    }

    func testMalformedInputNamesFileAndLine() throws {
        let dir = try TemporaryDirectory()
        let bad = try dir.write("bad.conll", "EU NNP B-NP B-ORG\nrejects VBZ\n")
        let eval = try NLPRunner.run(["eval", "tagger", "--model", Self.model, bad])
        XCTAssertNotEqual(eval.status, 0)
        XCTAssertTrue(eval.stderr.contains("\(bad):2:"), eval.stderr)
        for (line, tag) in [(3, "garbage"), (2, "b-PER"), (3, "X-PER")] {   // gold tags no scheme has
            let rows = ["EU NNP B-NP B-ORG", "Lena NNP B-NP B-PER", "said VBD B-VP O"]
            var broken = rows
            broken[line - 1] = broken[line - 1].split(separator: " ").dropLast().joined(separator: " ") + " " + tag
            let file = try dir.write("tag\(line)\(tag).conll", broken.joined(separator: "\n") + "\n")
            let refused = try NLPRunner.run(["eval", "tagger", "--model", Self.model, file])
            XCTAssertNotEqual(refused.status, 0, tag)
            XCTAssertTrue(refused.stderr.contains("\(file):\(line):") && refused.stderr.contains("'\(tag)'"), refused.stderr)
        }
        let train = try NLPRunner.run(["train", "tagger", "--train", bad, "-o", dir.path("m.safetensors"), "-q"])
        XCTAssertNotEqual(train.status, 0)
        XCTAssertTrue(train.stderr.contains("\(bad):2:"), train.stderr)
        let badWordDropout = try NLPRunner.run(["train", "tagger", "--train", Self.sample, "-o", dir.path("m.safetensors"),
                                                "--word-dropout", "1"])
        XCTAssertNotEqual(badWordDropout.status, 0)
        XCTAssertTrue(badWordDropout.stderr.contains("--word-dropout must be in [0, 1)"), badWordDropout.stderr)
        let wrongTask = try NLPRunner.run(["tag", "--model", Self.model.replacingOccurrences(of: ".safetensors", with: ".missing")], input: "x\n")
        XCTAssertNotEqual(wrongTask.status, 0)
    }
}
