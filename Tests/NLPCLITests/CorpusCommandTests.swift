import Foundation
import XCTest

/// `nlp split-corpus`, `nlp train translate --corpus` with weights and its summary, `nlp average`.
final class CorpusCommandTests: XCTestCase {
    func testSplitCorpusWritesLeakFreeLineAlignedSplits() throws {
        let dir = try TemporaryDirectory()
        var lines: [String] = []
        for sentence in 0..<50 {
            for translation in 0..<(1 + sentence % 2) { lines.append("Sentence \(sentence).\tSatz \(sentence) \(translation).\tCC-BY") }
        }
        let tsv = try dir.write("pairs.tsv", lines.joined(separator: "\n") + "\n")
        let out = dir.path("split")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let result = try NLPRunner.run(["split-corpus", "--tsv", tsv, "--dev", "5", "--test", "10", "-o", out])
        XCTAssertEqual(result.status, 0, result.stderr)
        func read(_ name: String) throws -> [String] {
            try String(contentsOfFile: out + "/" + name, encoding: .utf8).split(separator: "\n").map(String.init)
        }
        var seen: [Set<String>] = []
        for name in ["train", "dev", "test"] {
            let (english, german) = (try read(name + ".en"), try read(name + ".de"))
            XCTAssertEqual(english.count, german.count, name)
            for (e, g) in zip(english, german) { XCTAssertTrue(g.hasPrefix("Satz " + e.dropFirst("Sentence ".count).dropLast())) }
            seen.append(Set(english))
        }
        XCTAssertEqual(seen.map(\.count), [35, 5, 10])
        XCTAssertTrue(seen[0].isDisjoint(with: seen[1]) && seen[0].isDisjoint(with: seen[2]) && seen[1].isDisjoint(with: seen[2]))
        let again = try NLPRunner.run(["split-corpus", "--tsv", tsv, "--dev", "5", "--test", "10", "-o", out])
        XCTAssertEqual(again.output, result.output, "deterministic")

        let tooMany = try NLPRunner.run(["split-corpus", "--tsv", tsv, "--dev", "30", "--test", "30", "-o", out])
        XCTAssertNotEqual(tooMany.status, 0)
        XCTAssertTrue(tooMany.stderr.contains("pairs.tsv: 30 dev and 30 test sentences leave no training sentence"), tooMany.stderr)
        let bad = try dir.write("bad.tsv", "Hello.\tHallo.\nno tab here\n")
        let badLine = try NLPRunner.run(["split-corpus", "--tsv", bad, "--dev", "0", "--test", "0", "-o", out])
        XCTAssertTrue(badLine.stderr.contains("bad.tsv:2:"), badLine.stderr)
    }

    func testTrainingOnWeightedCorporaSummarisesEachAndAveragingTheEpochs() throws {
        let dir = try TemporaryDirectory()
        let english = TranslateCommandTests.english, german = TranslateCommandTests.german
        let extra = try dir.write("extra.tsv", "Hello.\tHallo.\nHello.\tHallo.\nBerlin\tBerlin\nA dog.\tEin Hund.\n")
        let model = dir.path("m.safetensors")
        let train = try NLPRunner.run(["train", "translate", "--corpus", "\(english),\(german)@2", "--corpus", extra + "@0.5",
                                       "--dev-corpus", "\(english),\(german)", "--epochs", "2", "--save-every-epoch",
                                       "-o", model] + TranslateCommandTests.smallNetwork.filter { $0 != "--quiet" })
        XCTAssertEqual(train.status, 0, train.stderr)
        XCTAssertTrue(train.stderr.contains("\(extra): 4 pairs read, 2 kept; dropped 1 source equals target, 1 duplicate, weight 0.5"),
                      train.stderr)
        XCTAssertTrue(train.stderr.contains("an epoch draws"), train.stderr)
        let epochs = [dir.path("m.epoch1.safetensors"), dir.path("m.epoch2.safetensors")]
        for path in epochs { XCTAssertTrue(FileManager.default.fileExists(atPath: path), path) }

        let averaged = dir.path("avg.safetensors")
        let average = try NLPRunner.run(["average"] + epochs + ["-o", averaged])
        XCTAssertEqual(average.status, 0, average.stderr)
        let translated = try NLPRunner.run(["translate", "--model", averaged, "A dog."])
        XCTAssertEqual(translated.status, 0, translated.stderr)
        let one = try NLPRunner.run(["average", epochs[0], "-o", averaged])
        XCTAssertNotEqual(one.status, 0, "one model is not an average")
        let sentiment = TranslateCommandTests.corpora.deletingLastPathComponent().appendingPathComponent("models/sentiment-en.safetensors").path
        let mixed = try NLPRunner.run(["average", epochs[0], sentiment, "-o", dir.path("x.safetensors")])
        XCTAssertNotEqual(mixed.status, 0)
        XCTAssertTrue(mixed.stderr.contains("is a sentiment model but"), mixed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("x.safetensors")))

        let badWeight = try NLPRunner.run(["train", "translate", "--corpus", extra + "@-1", "-o", model])
        XCTAssertNotEqual(badWeight.status, 0)
        XCTAssertTrue(badWeight.stderr.contains("--corpus"), badWeight.stderr)
        let badCorpus = try dir.write("bad.tsv", "Hello.\tHallo.\nno tab\n")
        let badLine = try NLPRunner.run(["train", "translate", "--corpus", badCorpus, "--corpus", extra, "-o", dir.path("n.safetensors")])
        XCTAssertNotEqual(badLine.status, 0)
        XCTAssertTrue(badLine.stderr.contains("bad.tsv:2:"), badLine.stderr)
    }
}
