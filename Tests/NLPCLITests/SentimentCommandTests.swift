import Foundation
import XCTest

/// `nlp train sentiment`, `nlp classify` and `nlp eval sentiment` run as a user would.
final class SentimentCommandTests: XCTestCase {
    static let sample = NLPRunner.packageRoot.appendingPathComponent("corpora/sentiment.sample.txt").path

    static let smallNetwork = ["--embedding-dim", "16", "--hidden", "16", "--batch-size", "8", "--lr", "0.01",
                               "--label-names", "0=negative,1=positive", "--quiet"]

    func testTrainClassifyAndEvaluate() throws {
        let dir = try TemporaryDirectory()
        let model = dir.path("m.safetensors")
        let train = try NLPRunner.run(["train", "sentiment", "--train", Self.sample, "--dev", Self.sample,
                                       "-o", model, "--epochs", "25", "--patience", "25"] + Self.smallNetwork)
        XCTAssertEqual(train.status, 0, train.stderr)
        XCTAssertEqual(train.stderr, "", "--quiet prints nothing")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.url.path), ["m.safetensors"],
                       "no temporary file or checkpoint left behind")

        let lines = try String(contentsOfFile: Self.sample, encoding: .utf8).split(separator: "\n").prefix(6)
        let texts = lines.map { String($0.dropFirst(2)) }
        let classify = try NLPRunner.run(["classify", "--model", model], input: texts.joined(separator: "\n") + "\n")
        XCTAssertEqual(classify.status, 0, classify.stderr)
        let output = classify.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(output.count, texts.count)
        for (line, (sample, text)) in zip(output, zip(lines, texts)) {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            XCTAssertEqual(fields.count, 3, String(line))
            XCTAssertEqual(String(fields[0]), sample.hasPrefix("1") ? "positive" : "negative", String(line))
            XCTAssertGreaterThan(Double(fields[1]) ?? 0, 0.5)
            XCTAssertEqual(String(fields[2]), text)
        }

        // The model with itself as an ensemble (two --model options) classifies as alone.
        let twice = try NLPRunner.run(["classify", "--model", model, "--model", model], input: texts.joined(separator: "\n") + "\n")
        XCTAssertEqual(twice.status, 0, twice.stderr)
        XCTAssertEqual(twice.output, classify.output)

        let json = try NLPRunner.run(["classify", "--model", model, "--json"], input: texts[0] + "\n")
        XCTAssertEqual(json.status, 0, json.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        XCTAssertEqual(object?["label"] as? String, "positive")
        XCTAssertEqual(object?["text"] as? String, texts[0])
        XCTAssertNotNil(object?["probability"] as? Double)

        // `-` is standard input, also between files.
        let file = try dir.write("texts.txt", texts[1] + "\n")
        let dash = try NLPRunner.run(["classify", "--model", model, file, "-", file], input: texts[0] + "\n")
        XCTAssertEqual(dash.status, 0, dash.stderr)
        XCTAssertEqual(dash.output, output[1] + "\n" + output[0] + "\n" + output[1] + "\n")
        let dashTwice = try NLPRunner.run(["classify", "--model", model, "-", "-"], input: texts[0] + "\n")
        XCTAssertNotEqual(dashTwice.status, 0)
        XCTAssertTrue(dashTwice.stderr.contains("'-' (standard input) can be given only once"), dashTwice.stderr)

        // A blank line has nothing to classify: an empty line, or null label and probability.
        let withBlank = try NLPRunner.run(["classify", "--model", model], input: "\(texts[0])\n \t\n\(texts[1])\n")
        XCTAssertEqual(withBlank.status, 0, withBlank.stderr)
        XCTAssertEqual(withBlank.output, output[0] + "\n\n" + output[1] + "\n")
        let blankJSON = try NLPRunner.run(["classify", "--model", model, "--json"], input: "\n")
        XCTAssertEqual(blankJSON.status, 0, blankJSON.stderr)
        XCTAssertEqual(blankJSON.output, #"{"label":null,"probabilities":{},"probability":null,"text":""}"# + "\n")

        let eval = try NLPRunner.run(["eval", "sentiment", "--model", model, Self.sample])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        XCTAssertTrue(eval.output.hasPrefix("accuracy 100.00% (100/100)"), eval.output)
        let evalJSON = try NLPRunner.run(["eval", "sentiment", "--model", model, "--json", Self.sample])
        let report = try JSONSerialization.jsonObject(with: Data(evalJSON.output.utf8)) as? [String: Any]
        XCTAssertEqual(report?["accuracy"] as? Double, 1.0)
        XCTAssertEqual(report?["confusion"] as? [[Int]], [[50, 0], [0, 50]])
    }

    func testBadInputIsReportedWithFileAndLineAndNothingIsWritten() throws {
        let dir = try TemporaryDirectory()
        let train = try dir.write("train.txt", "1 fine .\n0 bad .\nno-text-here\n")
        let model = dir.path("m.safetensors")
        let result = try NLPRunner.run(["train", "sentiment", "--train", train, "-o", model] + Self.smallNetwork)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("\(train):3: expected 'LABEL text'"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: model))

        let missingFolder = try NLPRunner.run(["train", "sentiment", "--train", Self.sample,
                                               "-o", dir.path("no/such/m.safetensors")] + Self.smallNetwork)
        XCTAssertNotEqual(missingFolder.status, 0)
        XCTAssertTrue(missingFolder.stderr.contains("does not exist"), missingFolder.stderr)

        let badOption = try NLPRunner.run(["train", "sentiment", "--train", Self.sample, "-o", model, "--dropout", "1.5"])
        XCTAssertNotEqual(badOption.status, 0)
        XCTAssertTrue(badOption.stderr.contains("--dropout must be in [0, 1)"), badOption.stderr)
        let badWordDropout = try NLPRunner.run(["train", "sentiment", "--train", Self.sample, "-o", model,
                                                "--word-dropout", "1"])
        XCTAssertNotEqual(badWordDropout.status, 0)
        XCTAssertTrue(badWordDropout.stderr.contains("--word-dropout must be in [0, 1)"), badWordDropout.stderr)
        for value in ["-1", "nan", "inf", "1e300"] {   // 1e300 is no Float
            let badAdversarial = try NLPRunner.run(["train", "sentiment", "--train", Self.sample, "-o", model,
                                                    "--adversarial=\(value)"])
            XCTAssertNotEqual(badAdversarial.status, 0, value)
            XCTAssertTrue(badAdversarial.stderr.contains("--adversarial must be a finite number ≥ 0"), badAdversarial.stderr)
        }

        let frozenOneHot = try NLPRunner.run(["train", "sentiment", "--train", Self.sample, "-o", model,
                                              "--embedding", "one-hot", "--freeze-embedding"])
        XCTAssertNotEqual(frozenOneHot.status, 0)
        XCTAssertTrue(frozenOneHot.stderr.contains("--freeze-embedding has no effect with --embedding one-hot"),
                      frozenOneHot.stderr)

        let notAModel = try NLPRunner.run(["classify", "--model", train], input: "hello\n")
        XCTAssertNotEqual(notAModel.status, 0)
        XCTAssertTrue(notAModel.stderr.contains(train), notAModel.stderr)
    }
}
