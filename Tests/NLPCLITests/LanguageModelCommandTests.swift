import Foundation
import XCTest

final class LanguageModelCommandTests: XCTestCase {
    /// train lm → complete (text and JSON) → generate (the same seed, the same text) → eval lm; bad
    /// options and files are errors naming them.
    func testTrainCompleteGenerateEvaluate() throws {
        let dir = try TemporaryDirectory()
        let lines = (0..<4).flatMap { _ in ["the cat sat on the mat .", "the dog ran in the park .", "we went on a short trip this weekend ."] }
        let train = try dir.write("train.txt", lines.joined(separator: "\n") + "\n")
        let model = dir.path("lm.safetensors")
        let trained = try NLPRunner.run(["train", "lm", "--train", train, "--dev", train, "-o", model, "--embedding-dim", "16",
                                         "--hidden", "16", "--epochs", "30", "--lr", "0.01", "--min-count", "1", "--bptt", "5", "--batch-size", "2", "--dropout", "0", "-q"])
        XCTAssertEqual(trained.status, 0, trained.stderr)

        let complete = try NLPRunner.run(["complete", "--model", model, "we went on a short trip this", "--top", "3"])
        XCTAssertEqual(complete.status, 0, complete.stderr)
        let first = try XCTUnwrap(complete.output.split(separator: "\n").first)
        XCTAssertTrue(first.hasSuffix("\tweekend"), complete.output)
        let json = try NLPRunner.run(["complete", "--model", model, "the cat", "--top", "2", "--json"])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        XCTAssertEqual((object["next"] as? [[String: Any]])?.count, 2, json.output)

        let arguments = ["generate", "--model", model, "--prompt", "the", "--samples", "3", "--temperature", "1.5", "--seed", "4"]
        let a = try NLPRunner.run(arguments), b = try NLPRunner.run(arguments)
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(a.output, b.output)
        XCTAssertEqual(a.output.split(separator: "\n").count, 3)
        XCTAssertTrue(a.output.split(separator: "\n").allSatisfy { $0.hasPrefix("the") }, a.output)

        let evaluated = try NLPRunner.run(["eval", "lm", "--model", model, train, "--json"])
        XCTAssertEqual(evaluated.status, 0, evaluated.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(evaluated.output.utf8)) as? [String: Any])
        XCTAssertEqual(report["tokens"] as? Int, lines.map { $0.split(separator: " ").count + 1 }.reduce(0, +))
        XCTAssertLessThan(report["perplexity"] as? Double ?? .infinity, 3, "the training text, learned")

        let badP = try NLPRunner.run(["generate", "--model", model, "--top-p", "1.5"])
        XCTAssertNotEqual(badP.status, 0)
        XCTAssertTrue(badP.stderr.contains("--top-p must be in (0, 1]"), badP.stderr)
        let notLM = try dir.write("not-a-model.safetensors", "nonsense")
        let damaged = try NLPRunner.run(["complete", "--model", notLM, "the"])
        XCTAssertNotEqual(damaged.status, 0)
        XCTAssertTrue(damaged.stderr.contains(notLM), damaged.stderr)
        let blank = try dir.write("blank.txt", "\n\n")
        let noText = try NLPRunner.run(["train", "lm", "--train", blank, "-o", dir.path("x.safetensors")])
        XCTAssertNotEqual(noText.status, 0)
        XCTAssertTrue(noText.stderr.contains("\(blank): no text"), noText.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("x.safetensors")))
    }

    /// train lm --bpe --stream --gradient-report → eval lm reports pieces and words; bad values of the
    /// new options are named before anything is read or written.
    func testSubwordStreamModelAndItsOptions() throws {
        let dir = try TemporaryDirectory()
        let lines = (0..<4).flatMap { _ in ["the cat sat on the mat .", "we went on a short trip this weekend ."] }
        let train = try dir.write("train.txt", lines.joined(separator: "\n") + "\n")
        let model = dir.path("lm.safetensors")
        let common = ["train", "lm", "--train", train, "--dev", train, "--embedding-dim", "16", "--hidden", "16", "--min-count", "1",
                      "--dropout", "0", "--batch-size", "2", "-q"]
        let trained = try NLPRunner.run(common + ["-o", model, "--epochs", "3", "--bpe", "15", "--stream", "30",
                                                  "--gradient-report", dir.path("g.svg")])
        XCTAssertEqual(trained.status, 0, trained.stderr)
        XCTAssertTrue(try String(contentsOfFile: dir.path("g.svg"), encoding: .utf8).contains("epoch 3: ‖g‖ median"))
        let evaluated = try NLPRunner.run(["eval", "lm", "--model", model, train])
        XCTAssertEqual(evaluated.status, 0, evaluated.stderr)
        XCTAssertTrue(evaluated.output.contains(" per word over \(lines.map { $0.split(separator: " ").count + 1 }.reduce(0, +)) words"),
                      evaluated.output)

        for (option, value, message) in [("--stream", "1", "--stream must be at least 2 tokens"),
                                          ("--bpe=-1", "", "--bpe must be 0 (words) or a positive number of merges"),
                                          ("--recurrent-scale", "0", "--recurrent-scale must be a positive number")] {
            let bad = try NLPRunner.run(common + ["-o", dir.path("bad.safetensors"), option] + (value.isEmpty ? [] : [value]))
            XCTAssertNotEqual(bad.status, 0, option)
            XCTAssertTrue(bad.stderr.contains(message), bad.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("bad.safetensors")))
        }
    }
}
