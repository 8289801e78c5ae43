import Foundation
import Pipeline
import Seq2Seq
import Tensor
import NLPTestSupport
import XCTest

/// Tagging with an ensemble: each member reads the sentence with its own vocabulary, and the mean
/// of the members' emissions and CRF scores is decoded.
final class TaggerEnsembleTests: XCTestCase {
    let sentences = [["Lena", "Hoffmann", "joined", "Kessler", "in", "Munich", "."], ["Zorblat", "visited", "Paris"]]

    func train(_ folder: TemporaryFolder, _ name: String, seed: UInt64, minCount: Int = 1,
               scheme: TagScheme? = nil) throws -> String {
        let output = folder.path(name)
        var settings = TaggerTrainingTests.settings(output: output, epochs: 6)
        settings.run.options.seed = seed
        settings.minCount = minCount
        settings.modelScheme = scheme
        try settings.train(progress: TrainingProgress(style: .quiet))
        return output
    }

    /// Two members with different vocabularies (min count 1 and 2, so the same word has other ids):
    /// the ensemble's tags and probabilities are the decoding of the mean of what each computes alone.
    func testDecodesTheMeanOfTheMembersScores() throws {
        let folder = try TemporaryFolder()
        let paths = [try train(folder, "a.safetensors", seed: 1), try train(folder, "b.safetensors", seed: 2, minCount: 2)]
        let (a, b) = (try TaggerModel(contentsOf: paths[0]), try TaggerModel(contentsOf: paths[1]))
        XCTAssertNotEqual(a.configuration.words.vocabulary.count, b.configuration.words.vocabulary.count)
        let ensemble = try TaggerModel.load(paths)
        XCTAssertEqual(ensemble.companions.count, 1)

        var mean = a.emissions(sentences.map { a.example(tokens: $0) })
        mean.zero()
        for member in [a, b] { mean.add(member.emissions(sentences.map { member.example(tokens: $0) }), scaledBy: 0.5) }
        var generator = SeededGenerator(seed: 9)
        let crf = LinearChainCRF<Float>(tagCount: a.configuration.tags.count, allowedTransitions: a.crf!.allowedTransitions,
                                        allowedStart: a.crf!.allowedStart, allowedEnd: a.crf!.allowedEnd, generator: &generator)
        for (index, parameter) in crf.parameters.enumerated() {
            for i in 0..<parameter.value.count {
                parameter.value.storage[i] = (a.crf!.parameters[index].value.storage[i] + b.crf!.parameters[index].value.storage[i]) / 2
            }
        }
        let expected = a.decode(mean, lengths: sentences.map(\.count), crf: crf)
        let tagged = ensemble.tag(tokens: sentences)
        XCTAssertEqual(tagged.count, expected.count)
        for (got, want) in zip(tagged, expected) {
            XCTAssertEqual(got.map(\.tag), want.map { a.configuration.tags[$0.tag] })
            for (g, w) in zip(got, want) { XCTAssertEqual(g.probability, w.probability, accuracy: 1e-6) }
        }
        // Not simply the first member's answer: the second member changes the probabilities.
        let alone = a.tag(tokens: sentences)
        XCTAssertNotEqual(alone.flatMap { $0.map(\.probability) }, tagged.flatMap { $0.map(\.probability) })
    }

    /// A model in an ensemble with itself tags exactly as it does alone (the mean of two equal scores).
    func testAModelWithItselfTagsAsAlone() throws {
        let folder = try TemporaryFolder()
        let path = try train(folder, "a.safetensors", seed: 1)
        let alone = try TaggerModel(contentsOf: path).tag(tokens: sentences)
        let twice = try TaggerModel.load([path, path]).tag(tokens: sentences)
        XCTAssertEqual(alone.map { $0.map(\.tag) }, twice.map { $0.map(\.tag) })
        XCTAssertEqual(alone.map { $0.map(\.probability) }, twice.map { $0.map(\.probability) })
    }

    func testMembersMustPredictTheSameTagsInTheSameScheme() throws {
        let folder = try TemporaryFolder()
        let iob = try train(folder, "a.safetensors", seed: 1)
        let bioes = try train(folder, "b.safetensors", seed: 1, scheme: .bioes)
        XCTAssertThrowsError(try TaggerModel.load([iob, bioes])) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(bioes) && message.contains("cannot join the ensemble"), message)
        }
    }
}
