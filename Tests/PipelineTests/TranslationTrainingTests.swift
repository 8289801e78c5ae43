import Foundation
import Pipeline
import Seq2Seq
import Tensor
import NLPTestSupport
import XCTest

/// Translation end to end on the project's en-de sample: training overfits a small corpus to exact
/// translations, model files round-trip, interrupted runs resume to the same file, bad inputs fail
/// with their file and line.
final class TranslationTrainingTests: XCTestCase {
    static let corpora = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("corpora")
    static let sampleEnglish = corpora.appendingPathComponent("sample.en").path
    static let sampleGerman = corpora.appendingPathComponent("sample.de").path

    /// The first `count` pairs of the sample, written to `folder`.
    func subset(_ count: Int, in folder: TemporaryFolder) throws -> (source: String, target: String, pairs: [SentencePair]) {
        let pairs = Array(try ParallelCorpus(source: Self.sampleEnglish, target: Self.sampleGerman).pairs.prefix(count))
        let source = try folder.write("train.en", pairs.map { $0.source + "\n" }.joined())
        let target = try folder.write("train.de", pairs.map { $0.target + "\n" }.joined())
        return (source, target, pairs)
    }

    /// A small, fast configuration.
    func settings(source: String, target: String, output: String, epochs: Int) -> TranslationTraining {
        var settings = TranslationTraining(train: .aligned(source: source, target: target),
                                           dev: .aligned(source: source, target: target), outputPath: output)
        settings.merges = 300
        settings.embeddingDimension = 32
        settings.encoder = EncoderConfiguration(cell: .gru, inputSize: 32, hiddenSize: 32, layers: 1, bidirectional: true)
        settings.decoderHiddenSize = 64
        settings.attentionSize = 32
        settings.dropout = 0
        settings.labelSmoothing = 0
        settings.run.options.epochs = epochs
        settings.run.options.batchSize = 4
        settings.run.options.learningRate = 0.01
        settings.run.options.patience = 1000
        settings.run.options.learningRateDecay = 1
        settings.run.options.seed = 3
        return settings
    }

    /// --gradient-report works for translation and tagging too: a line per epoch of the encoder's
    /// ‖∂L/∂h‖, each with its epoch's gradient norms.
    func testTheGradientReportCoversTranslationAndTagging() throws {
        let folder = try TemporaryFolder()
        let (source, target, _) = try subset(8, in: folder)
        var translation = settings(source: source, target: target, output: folder.path("t.safetensors"), epochs: 2)
        translation.run.gradientReportPath = folder.path("translation.svg")
        try translation.train(progress: TrainingProgress(style: .quiet))
        var tagging = TaggerTrainingTests.settings(output: folder.path("n.safetensors"), epochs: 2)
        tagging.run.gradientReportPath = folder.path("tagging.svg")
        try tagging.train(progress: TrainingProgress(style: .quiet))
        for file in ["translation.svg", "tagging.svg"] {
            let svg = try String(contentsOfFile: folder.path(file), encoding: .utf8)
            let elements = try XCTUnwrap(XMLElements.parse(svg), file)
            XCTAssertEqual(elements.filter { $0.name == "polyline" }.count, 4, file)
            XCTAssertEqual(elements.filter { $0.name == "title" }.map { $0.text.prefix(17) },
                           ["epoch 1", "epoch 2", "epoch 1: ‖g‖ medi", "epoch 2: ‖g‖ medi"], file)
        }
    }

    func testTrainingOverfitsATinyParallelCorpusToExactTranslations() throws {
        let folder = try TemporaryFolder()
        let (source, target, pairs) = try subset(12, in: folder)
        let output = folder.path("model.safetensors")
        let result = try settings(source: source, target: target, output: output, epochs: 60)
            .train(progress: TrainingProgress(style: .quiet))
        XCTAssertEqual(result.best.metric, 100, accuracy: 1e-9, "dev = train BLEU: \(result.best.summary)")
        let model = try TranslationModel(contentsOf: output)
        // The saved model is the first to reach dev BLEU 100 (greedy): every greedy translation exact.
        var greedy = TranslationSearchOptions()
        greedy.beam = 1
        XCTAssertEqual(model.translate(pairs.map(\.source), options: greedy).map { $0[0].text }, pairs.map(\.target))
        let (bleu, chrF, _) = model.evaluate(sources: pairs.map(\.source), references: pairs.map(\.target), options: greedy)
        XCTAssertEqual(bleu.score, 100, accuracy: 1e-9)
        XCTAssertEqual(chrF.score, 100, accuracy: 1e-9)
        // Beam search ranks by log-probability (α = 0): what it finds is at least as probable as the
        // reference (the model is not yet sure enough of every reference for beam search to return it).
        var beam = TranslationSearchOptions()
        beam.beam = 4
        beam.nBest = 2
        beam.lengthNormalization = 0
        for (pair, found) in zip(pairs, model.translate(pairs.map(\.source), options: beam)) {
            let reference = model.network.loss(sources: [model.source(pair.source).ids],
                                               targets: [model.targetIDs(pair.target)], training: false,
                                               computeGradients: false)
            XCTAssertGreaterThanOrEqual(found[0].logProbability, -reference.lossSum - 1e-4, pair.source)
            XCTAssertEqual(found.count, 2)
            XCTAssertGreaterThanOrEqual(found[0].logProbability, found[1].logProbability)
        }
        XCTAssertEqual(model.translate([""])[0][0].text, "", "a text with no tokens translates to nothing")
    }

    func testInterruptedRunResumesToTheSameModelFile() throws {
        let folder = try TemporaryFolder()
        let (source, target, _) = try subset(16, in: folder)
        let straight = folder.path("straight.safetensors"), interrupted = folder.path("interrupted.safetensors")
        try settings(source: source, target: target, output: straight, epochs: 3).train(progress: TrainingProgress(style: .quiet))
        var resumable = settings(source: source, target: target, output: interrupted, epochs: 3)
        resumable.dropout = 0.2   // dropout masks must resume too
        var reference = settings(source: source, target: target, output: straight, epochs: 3)
        reference.dropout = 0.2
        try reference.train(progress: TrainingProgress(style: .quiet))
        resumable.run.checkpointEveryBatches = 3
        XCTAssertThrowsError(try resumable.train(progress: TrainingProgress(style: .quiet), stopAfterBatches: 7)) {
            XCTAssertTrue($0 is TrainingInterruption, "\($0)")
        }
        try resumable.train(resume: true, progress: TrainingProgress(style: .quiet))
        XCTAssertEqual(try folder.bytes("straight.safetensors"), try folder.bytes("interrupted.safetensors"))
    }

    func testALoadedModelTranslatesExactlyAsTheOneInMemory() throws {
        let folder = try TemporaryFolder()
        let (source, target, pairs) = try subset(8, in: folder)
        let output = folder.path("m.safetensors")
        try settings(source: source, target: target, output: output, epochs: 2).train(progress: TrainingProgress(style: .quiet))
        let model = try TranslationModel(contentsOf: output)
        let path = folder.path("copy.safetensors")
        try model.write(to: path, provenance: Provenance(data: [], training: TrainingOptions(), settings: .object([:])))
        let loaded = try TranslationModel(contentsOf: path)
        let texts = pairs.map(\.source) + ["Zebras!", ""]
        XCTAssertEqual(loaded.translate(texts), model.translate(texts))
        XCTAssertEqual(loaded.configuration, model.configuration)
        XCTAssertThrowsError(try TextClassifier(contentsOf: path)) {
            XCTAssertTrue("\($0)".contains("translate"), "a translation model read as a sentiment model: \($0)")
        }
    }

    func testBadCorporaStopTrainingWithFileAndLine() throws {
        let folder = try TemporaryFolder()
        let source = try folder.write("a.en", "A dog.\nA cat.\nA bird.\n")
        let shorter = try folder.write("a.de", "Ein Hund.\nEine Katze.\n")
        let emptySide = try folder.write("b.de", "Ein Hund.\n \nEin Vogel.\n")
        let output = folder.path("m.safetensors")
        XCTAssertThrowsError(try settings(source: source, target: shorter, output: output, epochs: 1)
            .train(progress: TrainingProgress(style: .quiet))) {
            XCTAssertTrue("\($0)".contains("a.de") && "\($0)".contains("2 lines"), "\($0)")
        }
        XCTAssertThrowsError(try settings(source: source, target: emptySide, output: output, epochs: 1)
            .train(progress: TrainingProgress(style: .quiet))) {
            XCTAssertTrue("\($0)".contains("b.de:2"), "\($0)")
        }
        var skipping = settings(source: source, target: emptySide, output: output, epochs: 1)
        skipping.corpus = ParallelCorpusOptions(maximumWords: 100, policy: .skip)
        try skipping.train(progress: TrainingProgress(style: .quiet))
        XCTAssertTrue(FileManager.default.fileExists(atPath: output), "trained on the two good pairs")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path("nowhere/m.safetensors")))
        XCTAssertThrowsError(try settings(source: source, target: emptySide, output: folder.path("nowhere/m.safetensors"),
                                          epochs: 1).train(progress: TrainingProgress(style: .quiet))) {
            XCTAssertTrue("\($0)".contains("does not exist"), "\($0)")
        }
    }
}

