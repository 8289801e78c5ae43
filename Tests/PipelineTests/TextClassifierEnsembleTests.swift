import Foundation
import Pipeline
import NLPTestSupport
import XCTest

/// Classifying with an ensemble: each member reads the text with its own pipeline, and the class
/// probabilities are the members' mean.
final class TextClassifierEnsembleTests: XCTestCase {
    let texts = ["a gorgeous , witty , seductive movie .", "the plot makes no sense .", "unseen zorblat words"]

    func train(_ folder: TemporaryFolder, _ name: String, seed: UInt64, minCount: Int = 1,
               labelNames: [String: String] = ["0": "negative", "1": "positive"]) throws -> String {
        let output = folder.path(name)
        var settings = TextClassifierTrainingTests.settings(output: output)
        settings.run.options.seed = seed
        settings.minCount = minCount
        settings.labelNames = labelNames
        try settings.train(progress: TrainingProgress(style: .quiet))
        return output
    }

    func testProbabilitiesAreTheMembersMean() throws {
        let folder = try TemporaryFolder()
        let paths = [try train(folder, "a.safetensors", seed: 1), try train(folder, "b.safetensors", seed: 2, minCount: 2)]
        let members = try paths.map(TextClassifier.init(contentsOf:))
        let ensemble = try TextClassifier.load(paths)
        XCTAssertEqual(ensemble.companions.count, 1)
        let alone = members.map { $0.classify(texts) }
        for (i, result) in ensemble.classify(texts).enumerated() {
            for label in ["negative", "positive"] {
                let mean = (alone[0][i].probabilities[label]! + alone[1][i].probabilities[label]!) / 2
                XCTAssertEqual(result.probabilities[label]!, mean, accuracy: 1e-12, "\(texts[i]) \(label)")
            }
            XCTAssertEqual(result.probability, result.probabilities[result.label])
        }
        XCTAssertNotEqual(alone[0].map(\.probability), alone[1].map(\.probability), "the members differ")
    }

    func testMembersMustHaveTheSameLabels() throws {
        let folder = try TemporaryFolder()
        let named = try train(folder, "a.safetensors", seed: 1)
        let unnamed = try train(folder, "b.safetensors", seed: 1, labelNames: [:])
        XCTAssertThrowsError(try TextClassifier.load([named, unnamed])) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(unnamed) && message.contains("cannot join the ensemble"), message)
        }
    }
}
