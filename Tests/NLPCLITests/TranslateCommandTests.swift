import Foundation
import XCTest

/// `nlp train translate`, `nlp translate` and `nlp eval translate` run as a user would.
final class TranslateCommandTests: XCTestCase {
    static let corpora = NLPRunner.packageRoot.appendingPathComponent("corpora")
    static let english = corpora.appendingPathComponent("sample.en").path
    static let german = corpora.appendingPathComponent("sample.de").path

    static let smallNetwork = ["--merges", "300", "--embedding-dim", "24", "--hidden", "24", "--decoder-hidden", "48",
                               "--attention-size", "24", "--batch-size", "8", "--lr", "0.01", "--dropout", "0",
                               "--label-smoothing", "0", "--quiet"]

    func testTrainTranslateAndEvaluate() throws {
        let dir = try TemporaryDirectory()
        let model = dir.path("m.safetensors")
        let train = try NLPRunner.run(["train", "translate", "--src", Self.english, "--tgt", Self.german,
                                       "--dev-src", Self.english, "--dev-tgt", Self.german, "-o", model,
                                       "--epochs", "3", "--save-dtype", "f16"] + Self.smallNetwork)
        XCTAssertEqual(train.status, 0, train.stderr)
        XCTAssertEqual(train.stderr, "", "--quiet prints nothing")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.url.path), ["m.safetensors"],
                       "no temporary file or checkpoint left behind")

        // Arguments, standard input and files give the same translations, one a line, in order.
        let sentences = ["A man is riding a bicycle down the street.", "Two children are playing in the park.", ""]
        let arguments = try NLPRunner.run(["translate", "--model", model] + sentences)
        XCTAssertEqual(arguments.status, 0, arguments.stderr)
        let lines = arguments.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(lines.count, 3, arguments.output)
        XCTAssertEqual(lines.last, "", "an empty sentence translates to an empty line")
        let stdin = try NLPRunner.run(["translate", "--model", model], input: sentences.joined(separator: "\n") + "\n")
        XCTAssertEqual(stdin.output, arguments.output)
        let file = try dir.write("in.txt", sentences.joined(separator: "\n") + "\n")
        let files = try NLPRunner.run(["translate", "--model", model, "--input", file])
        XCTAssertEqual(files.output, arguments.output)

        let nBest = try NLPRunner.run(["translate", "--model", model, "--beam", "3", "--n-best", "3", sentences[0]])
        XCTAssertEqual(nBest.output.split(separator: "\n").count, 3, nBest.output)

        // The heatmap is of the first sentence with tokens; an empty first line is skipped.
        let skipEmpty = try NLPRunner.run(["translate", "--model", model, "--attention", dir.path("b.svg")],
                                          input: "\n" + sentences[1] + "\n")
        XCTAssertEqual(skipEmpty.status, 0, skipEmpty.stderr)
        XCTAssertEqual(skipEmpty.output.split(separator: "\n", omittingEmptySubsequences: false).count, 3)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.path("b.svg")))
        XCTAssertFalse(skipEmpty.stderr.contains("not written"), skipEmpty.stderr)
        // Nothing to draw: no file, and a note that says so (not an error).
        let nothing = try NLPRunner.run(["translate", "--model", model, "--attention", dir.path("c.svg")], input: "\n \n")
        XCTAssertEqual(nothing.status, 0, nothing.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("c.svg")))
        XCTAssertTrue(nothing.stderr.contains("c.svg: not written: no sentence with words"), nothing.stderr)

        let svg = dir.path("a.svg")
        let json = try NLPRunner.run(["translate", "--model", model, "--json", "--attention", svg, sentences[1]])
        XCTAssertEqual(json.status, 0, json.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        XCTAssertEqual(object?["source"] as? String, sentences[1])
        let best = (object?["translations"] as? [[String: Any]])?.first
        XCTAssertNotNil(best?["text"] as? String)
        let pieces = best?["targetPieces"] as? [String] ?? []
        let alignments = best?["alignments"] as? [[Double]] ?? []
        XCTAssertEqual(alignments.count, pieces.count + 1, "one attention row per piece and one for </s>")
        XCTAssertTrue(try String(contentsOfFile: svg, encoding: .utf8).contains("<svg"), "the attention heatmap is written")

        let eval = try NLPRunner.run(["eval", "translate", "--model", model, "--src", Self.english, "--ref", Self.german,
                                      "--json", "--beam", "2"])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(eval.output.utf8)) as? [String: Any]
        XCTAssertNotNil(report?["bleu"] as? Double)
        XCTAssertEqual(report?["sentences"] as? Int, 116)
    }

    func testBadInputsFailWithClearMessages() throws {
        let dir = try TemporaryDirectory()
        let shorter = try dir.write("short.de", "Ein Hund.\n")
        let mismatched = try NLPRunner.run(["train", "translate", "--src", Self.english, "--tgt", shorter,
                                            "-o", dir.path("m.safetensors")] + Self.smallNetwork)
        XCTAssertNotEqual(mismatched.status, 0)
        XCTAssertTrue(mismatched.stderr.contains("short.de"), mismatched.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("m.safetensors")))

        let noCorpus = try NLPRunner.run(["train", "translate", "-o", dir.path("m.safetensors")])
        XCTAssertNotEqual(noCorpus.status, 0)
        XCTAssertTrue(noCorpus.stderr.contains("--src"), noCorpus.stderr)

        let badBeam = try NLPRunner.run(["translate", "--model", dir.path("absent.safetensors"), "--beam", "0", "x"])
        XCTAssertNotEqual(badBeam.status, 0)
        XCTAssertTrue(badBeam.stderr.contains("--beam"), badBeam.stderr)

        let hugeRatio = try NLPRunner.run(["translate", "--max-length-ratio", "1e300", "x"])
        XCTAssertEqual(hugeRatio.status, 64, "a usage error, not a crash: \(hugeRatio.stderr)")
        XCTAssertTrue(hugeRatio.stderr.contains("--max-length-ratio"), hugeRatio.stderr)

        let empty = try dir.write("empty.txt", "")
        let emptyEval = try NLPRunner.run(["eval", "translate", "--src", empty, "--ref", empty])
        XCTAssertNotEqual(emptyEval.status, 0)
        XCTAssertTrue(emptyEval.stderr.contains("empty.txt"), emptyEval.stderr)
        let unwritable = try NLPRunner.run(["eval", "translate", "--src", Self.english, "--ref", Self.german,
                                            "--output", dir.path("nowhere/out.de")])
        XCTAssertNotEqual(unwritable.status, 0)
        XCTAssertTrue(unwritable.stderr.contains("nowhere"), unwritable.stderr)

        let absent = try NLPRunner.run(["translate", "--model", dir.path("absent.safetensors"), "x"])
        XCTAssertNotEqual(absent.status, 0)
        XCTAssertTrue(absent.stderr.contains("absent.safetensors"), absent.stderr)
    }
}
