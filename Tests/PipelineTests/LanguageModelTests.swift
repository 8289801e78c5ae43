import Foundation
import NLPTestSupport
import Pipeline
import Seq2Seq
import Tensor
import Tokenize
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

    /// Blocks join consecutive lines, cut only at line ends, and keep every predicted token once; a
    /// line longer than the limit is a block of its own.
    func testStreamBlocksCutAtLineEnds() {
        let (s, e) = (Vocabulary.startID, Vocabulary.endID)
        let lines = [[s, 5, 6, e], [s, 7, e], [s, 8, 9, 10, 11, e], [s, e]].map(LanguageModel.Example.init(ids:))
        XCTAssertEqual(LanguageModel.blocks(lines, limit: 6).map(\.ids), [[s, 5, 6, e, 7, e], [s, 8, 9, 10, 11, e], [s, e]])
        XCTAssertEqual(LanguageModel.blocks(lines, limit: 3).map(\.ids), [[s, 5, 6, e], [s, 7, e], [s, 8, 9, 10, 11, e], [s, e]])
        XCTAssertEqual(LanguageModel.blocks(lines, limit: 100).map(\.ids), [[s, 5, 6, e, 7, e, 8, 9, 10, 11, e, e]])
    }

    /// Lines alternate "red apple ." and "green pear .". Line by line the first word of a line is a
    /// coin toss (perplexity at least 2^(1/4) ≈ 1.19 over the 4 tokens of a line); read as a stream
    /// (blocks of 4 lines, windows of 3 steps) the line before says which comes, so only the first
    /// line of a block is uncertain (2^(1/16) ≈ 1.04). Both count the same tokens.
    func testAStreamModelReadsTheLinesBeforeAsContext() throws {
        let folder = try TemporaryFolder()
        let lines = (0..<8).flatMap { _ in ["red apple .", "green pear ."] }
        var lineByLine = try settings(folder, epochs: 80)
        lineByLine.trainPath = try folder.write("alternating.txt", lines.joined(separator: "\n") + "\n")
        lineByLine.devPath = lineByLine.trainPath
        lineByLine.window = 3
        var stream = lineByLine
        stream.streamBlock = 16
        stream.run.outputPath = folder.path("stream.safetensors")
        try lineByLine.train(progress: TrainingProgress(style: .quiet))
        try stream.train(progress: TrainingProgress(style: .quiet))
        let lineModel = try LanguageModel(contentsOf: lineByLine.run.outputPath)
        let streamModel = try LanguageModel(contentsOf: stream.run.outputPath)
        XCTAssertNil(lineModel.configuration.streamBlock)
        XCTAssertEqual(streamModel.configuration.streamBlock, 16)
        let (byLine, asStream) = (lineModel.perplexity(of: lines), streamModel.perplexity(of: lines))
        XCTAssertEqual(byLine.tokens, 64)
        XCTAssertEqual(asStream.tokens, 64)
        XCTAssertGreaterThan(byLine.value, 1.18)
        XCTAssertLessThan(asStream.value, 1.1, "the stream model knows which line comes next")
    }

    /// A subword model (40 merges on the lines written twice: "weekend" is two pieces) learns the
    /// lines, completes whole words, spells what it generates as text, and is scored per word too.
    func testASubwordModelCompletesWholeWords() throws {
        let folder = try TemporaryFolder()
        var subword = try settings(folder)
        subword.trainPath = try folder.write("twice.txt", (Self.sentences + Self.sentences).joined(separator: "\n") + "\n")
        subword.devPath = subword.trainPath
        subword.merges = 40
        try subword.train(progress: TrainingProgress(style: .quiet))
        let model = try LanguageModel(contentsOf: folder.path("lm.safetensors"))
        XCTAssertNotNil(model.configuration.subword)
        XCTAssertGreaterThan(model.configuration.tokens(of: "weekend").count, 1, "weekend is several pieces")
        XCTAssertEqual(model.complete("we decided to go on a short trip this", top: 3).first?.token, "weekend")
        XCTAssertEqual(model.complete("the cat sat on the mat .", top: 1).first?.token, "</s>")
        var greedy = TokenSampler(temperature: 0, seed: 1)
        let drawn = model.generate(after: "a bird", maximumTokens: 20, sampler: &greedy)
        XCTAssertEqual(model.text(of: model.configuration.tokens(of: "a bird") + drawn), "a bird sang in the tree .")
        let perplexity = model.perplexity(of: Self.sentences)
        XCTAssertEqual(perplexity.words, Self.sentences.map { $0.split(separator: " ").count + 1 }.reduce(0, +))
        XCTAssertGreaterThan(perplexity.tokens, perplexity.words)
        XCTAssertEqual(perplexity.perWord, exp(perplexity.negativeLogLikelihood / Double(perplexity.words)), accuracy: 1e-9)
    }

    /// A tanh RNN whose W_hh starts 4 times the usual: its gradient explodes, an order of magnitude
    /// above the usual initialisation's, and the gradient report says that clipping scaled every
    /// batch down. Reporting changes nothing in the model file.
    func testAnExplodingGradientIsReportedAndClipped() throws {
        let folder = try TemporaryFolder()
        var usual = try settings(folder, epochs: 2)
        usual.encoder.cell = .rnnTanh
        usual.trainPath = try folder.write("four.txt", Array(repeating: Self.sentences, count: 4).joined().joined(separator: "\n") + "\n")
        usual.streamBlock = 60   // 3 blocks of up to 60 steps, a batch each
        usual.window = 60
        usual.run.options.batchSize = 1
        usual.run.options.clipNorm = 1
        usual.run.gradientReportPath = folder.path("usual.svg")
        var exploding = usual
        exploding.recurrentScale = 4
        exploding.run.gradientReportPath = folder.path("exploding.svg")
        exploding.run.outputPath = folder.path("exploding.safetensors")
        var unwatched = exploding
        unwatched.run.gradientReportPath = nil
        unwatched.run.outputPath = folder.path("unwatched.safetensors")
        for run in [usual, exploding, unwatched] { try run.train(progress: TrainingProgress(style: .quiet)) }
        XCTAssertEqual(try folder.bytes("exploding.safetensors"), try folder.bytes("unwatched.safetensors"))

        func legend(_ file: String) throws -> (median: Double, clipped: Double) {
            let svg = try String(contentsOfFile: folder.path(file), encoding: .utf8)
            let pattern = try NSRegularExpression(pattern: "epoch 2: ‖g‖ median ([0-9.e+-]+), max [0-9.e+-]+, ([0-9]+)% of batches clipped at 1")
            let match = try XCTUnwrap(pattern.firstMatch(in: svg, range: NSRange(svg.startIndex..., in: svg)), svg)
            let field = { (i: Int) in String(svg[Range(match.range(at: i), in: svg)!]) }
            return (try XCTUnwrap(Double(field(1))), try XCTUnwrap(Double(field(2))))
        }
        let (calm, wild) = (try legend("usual.svg"), try legend("exploding.svg"))
        XCTAssertGreaterThan(wild.median, 10 * calm.median, "W_hh × 4: the gradient explodes")
        XCTAssertEqual(wild.clipped, 100, "every batch of the exploding run is clipped")
    }
}
