import Foundation
import NLPTestSupport
import Pipeline
import XCTest

final class TokenContributionsTests: XCTestCase {
    /// Occlusion by hand: the text again with token i replaced by a word the vocabulary lacks
    /// (read as <unk>), classified whole; the drop in the predicted label's probability.
    func testContributionsAreTheBruteForceOcclusion() throws {
        let model = try TextClassifierTrainingTests.smallModel()
        let texts = ["a warm , funny film .", "the dull film", "zzz warm"]
        let explained = try model.explain(texts)
        XCTAssertEqual(explained.count, texts.count)
        for (text, explanation) in zip(texts, explained) {
            let whole = model.classify(text)
            // explain reads the text in a batch with its occlusions; a batch's products may round
            // differently from a lone sequence's (oneDNN picks kernels by shape), hence the tolerance.
            XCTAssertEqual(explanation.classification.label, whole.label, text)
            for (label, p) in whole.probabilities {
                XCTAssertEqual(explanation.classification.probabilities[label] ?? -1, p, accuracy: 1e-6, text)
            }
            let tokens = text.split(separator: " ").map(String.init)
            XCTAssertEqual(explanation.tokens, tokens)
            for i in tokens.indices {
                var occluded = tokens
                occluded[i] = "qqqunseen"
                let expected = whole.probability - model.classify(occluded.joined(separator: " ")).probabilities[whole.label]!
                XCTAssertEqual(explanation.contributions[i], expected, accuracy: 1e-6, "\(text): \(tokens[i])")
            }
        }
        XCTAssertEqual(explained[2].contributions[0], 0, "an unknown word is <unk> already")
        XCTAssertTrue(explained[0].contributions.contains { abs($0) > 1e-4 }, "the untrained model still reads its tokens")
        let blank = try XCTUnwrap(try model.explain([""]).first)
        XCTAssertEqual(blank.tokens, [])
        XCTAssertEqual(blank.classification.label, model.classify("").label)
    }

    func testAnEnsembleExplainsItsMeanProbability() throws {
        let model = try TextClassifierTrainingTests.smallModel()
        let twin = try TextClassifierTrainingTests.smallModel()
        try model.ensemble(with: [twin], paths: ["twin.safetensors"])
        let single = try TextClassifierTrainingTests.smallModel()
        let a = try model.explain(["a warm , funny film ."])[0], b = try single.explain(["a warm , funny film ."])[0]
        for (x, y) in zip(a.contributions, b.contributions) { XCTAssertEqual(x, y, accuracy: 1e-9) }
    }

    func testThePictureIsWellFormedAndEscapesTokens() throws {
        let classification = Classification(label: "pos<i>", probability: 0.875, probabilities: ["pos<i>": 0.875, "neg": 0.125])
        let rows = [
            TokenContributions(tokens: ["not", "<bad>", "&", "\u{1}"], contributions: [0.5, -0.25, 0, 0.1], classification: classification),
            TokenContributions(tokens: [], contributions: [], classification: classification),
        ]
        let svg = ContributionPicture(rows: rows).svg()
        let elements = try XCTUnwrap(XMLElements.parse(svg))
        let tokens = elements.filter { $0.name == "g" && $0.attributes["class"] == "token" }
        XCTAssertEqual(tokens.count, 4)
        let titles = elements.filter { $0.name == "title" }.map(\.text)
        XCTAssertEqual(titles, ["not: +0.500", "<bad>: -0.250", "&: 0.000", "\u{FFFD}: +0.100"])
        let labels = elements.filter { $0.name == "text" && $0.attributes["class"] == "label" }.map(\.text)
        XCTAssertEqual(labels, ["pos<i> 0.875", "pos<i> 0.875"])
        let fills = elements.filter { $0.name == "rect" && $0.attributes["rx"] == "3" }.compactMap { $0.attributes["fill"] }
        XCTAssertEqual(fills[0], "#08306b", "the largest contribution for the label: full blue")
        XCTAssertEqual(fills[2], "#ffffff", "no contribution: white")
        XCTAssertTrue(fills[1].hasPrefix("#") && fills[1] != "#ffffff" && fills[1] != fills[0], fills[1])
        XCTAssertTrue(svg.contains("full colour: ±0.500"))
        XCTAssertEqual(svg, ContributionPicture(rows: rows).svg(), "deterministic")
    }
}
