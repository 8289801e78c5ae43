import Foundation
import NLPTestSupport
import Pipeline
import Seq2Seq
import Tensor
import XCTest

final class LanguageModelTests: XCTestCase {
    static let sentences = ["the cat sat on the mat .", "the dog ran in the park .", "a bird sang in the tree .",
                            "the cat ran to the dog .", "we decided to go on a short trip this weekend ."]

    func settings(_ folder: TemporaryFolder, epochs: Int = 60) throws -> LanguageModelTraining {
        let train = try folder.write("train.txt", Self.sentences.joined(separator: "\n") + "\n\n")
        var settings = LanguageModelTraining(trainPath: train, devPath: train, outputPath: folder.path("lm.safetensors"))
        settings.minCount = 1
        settings.embeddingDimension = 16
        settings.encoder.hiddenSize = 16
        settings.encoder.layers = 1
        settings.encoder.dropout = 0
        settings.dropout = 0
        settings.window = 4
        settings.run.options.epochs = epochs
        settings.run.options.batchSize = 2
        settings.run.options.learningRate = 0.01
        settings.run.options.patience = 100
        settings.run.options.seed = 3
        return settings
    }

    /// A model that gives every token the same score has perplexity V.
    func testAUniformModelHasThePerplexityOfItsVocabulary() throws {
        let folder = try TemporaryFolder()
        try settings(folder, epochs: 1).train(progress: TrainingProgress(style: .quiet))
        let model = try LanguageModel(contentsOf: folder.path("lm.safetensors"))
        for parameter in model.network.output.parameters { parameter.value.zero() }
        let perplexity = model.perplexity(of: Self.sentences + ["words never seen"])
        XCTAssertEqual(perplexity.value, Double(model.vocabulary.count), accuracy: 1e-3)
        XCTAssertEqual(perplexity.tokens, Self.sentences.map { $0.split(separator: " ").count + 1 }.reduce(0, +) + 4)
    }

    /// Trained (with windows of 4 steps, shorter than every line) until it knows the five lines, it
    /// completes them, generates one greedily, and the file it wrote predicts exactly as in memory.
    func testTrainingLearnsATinyCorpusAndCompletesIt() throws {
        let folder = try TemporaryFolder()
        let result = try settings(folder).train(progress: TrainingProgress(style: .quiet))
        XCTAssertGreaterThan(result.best.metric, -1.5, "dev (= train) perplexity: \(result.best.summary)")
        let model = try LanguageModel(contentsOf: folder.path("lm.safetensors"))
        XCTAssertEqual(model.complete("we decided to go on a short trip this", top: 3).first?.token, "weekend")
        XCTAssertEqual(model.complete("the cat sat on the mat .", top: 1).first?.token, "</s>")
        var greedy = TokenSampler(temperature: 0, seed: 1)
        XCTAssertEqual(model.generate(after: "a bird", maximumTokens: 10, sampler: &greedy), ["sang", "in", "the", "tree", "."])
        XCTAssertEqual(model.provenance?.dev?.metricName, "-perplexity")
        XCTAssertEqual(model.perplexity(of: Self.sentences).value, -result.best.metric, accuracy: 1e-3)
    }

    /// Sampling with a seed gives the same continuations; the prompt's words stay out of the count.
    func testSeededGenerationIsReproducible() throws {
        let folder = try TemporaryFolder()
        try settings(folder, epochs: 3).train(progress: TrainingProgress(style: .quiet))
        let model = try LanguageModel(contentsOf: folder.path("lm.safetensors"))
        func sample(_ seed: UInt64) -> [[String]] {
            var sampler = TokenSampler(temperature: 1.5, seed: seed)
            return (0..<5).map { _ in model.generate(after: "the", maximumTokens: 6, sampler: &sampler) }
        }
        XCTAssertEqual(sample(1), sample(1))
        XCTAssertNotEqual(sample(1), sample(2))
        XCTAssertTrue(sample(1).allSatisfy { $0.count <= 6 && !$0.contains("<pad>") && !$0.contains("<s>") && !$0.contains("<unk>") })
    }

    /// Stopped without warning inside epoch 2 (checkpoints every 3 batches) and resumed, a run with
    /// dropout ends with the same file as one never interrupted.
    func testResumingAfterAnInterruptionGivesTheSameModel() throws {
        let folder = try TemporaryFolder()
        var straight = try settings(folder, epochs: 3)
        straight.dropout = 0.2
        straight.run.outputPath = folder.path("straight.safetensors")
        try straight.train(progress: TrainingProgress(style: .quiet))
        var interrupted = straight
        interrupted.run.outputPath = folder.path("interrupted.safetensors")
        interrupted.run.checkpointEveryBatches = 3
        XCTAssertThrowsError(try interrupted.train(progress: TrainingProgress(style: .quiet), stopAfterBatches: 4)) {
            XCTAssertTrue($0 is TrainingInterruption, "\($0)")
        }
        try interrupted.train(resume: true, progress: TrainingProgress(style: .quiet))
        XCTAssertEqual(try folder.bytes("straight.safetensors"), try folder.bytes("interrupted.safetensors"))
    }

    func testBadFilesAndSettingsAreNamed() throws {
        let folder = try TemporaryFolder()
        var blank = try settings(folder)
        blank.trainPath = try folder.write("blank.txt", "\n  \n")
        XCTAssertThrowsError(try blank.train(progress: TrainingProgress(style: .quiet))) {
            XCTAssertEqual("\($0)", "\(blank.trainPath): no text: every line is blank")
        }
        var untied = try settings(folder)
        untied.encoder.hiddenSize = 8
        XCTAssertThrowsError(try untied.train(progress: TrainingProgress(style: .quiet))) {
            XCTAssertTrue("\($0)".contains("--tied needs --hidden equal to --embedding-dim (8 and 16)"), "\($0)")
        }
        untied.tied = false
        XCTAssertNoThrow(try untied.train(progress: TrainingProgress(style: .quiet)))
        XCTAssertThrowsError(try TextClassifier(contentsOf: folder.path("lm.safetensors"))) {
            XCTAssertTrue("\($0)".contains("lm"), "a language model is not a classifier: \($0)")
        }
    }
}
