import Foundation
import Pipeline
import Seq2Seq
import Tensor
import NLPTestSupport
import XCTest

final class TaggerTrainingTests: XCTestCase {
    /// The project's CoNLL-format sample: 32 sentences, 275 tokens.
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("corpora/sample.conll").path

    static func settings(output: String, epochs: Int = 3, crf: Bool = true) -> TaggerTraining {
        var settings = TaggerTraining(trainPath: Self.sample, devPath: Self.sample, outputPath: output)
        settings.wordDimension = 16
        settings.characterDimension = 8
        settings.characterHidden = 8
        settings.encoder.hiddenSize = 24
        settings.dropout = 0.2
        settings.crf = crf
        settings.run.options.epochs = epochs
        settings.run.options.patience = 1000
        settings.run.options.batchSize = 4
        settings.run.options.learningRate = 0.02
        settings.run.options.seed = 3
        return settings
    }

    func testTrainingOverfitsTheSampleWithAndWithoutCRF() throws {
        let folder = try TemporaryFolder()
        for crf in [true, false] {
            let output = folder.path("ner-\(crf).safetensors")
            let result = try Self.settings(output: output, epochs: 60, crf: crf).train(progress: TrainingProgress(style: .quiet))
            XCTAssertGreaterThan(result.best.metric, 0.97, "crf \(crf): \(result.best.summary)")
            let tagger = try TaggerModel(contentsOf: output)
            let scores = tagger.evaluate(try CoNLLReader(path: Self.sample).readAll())
            XCTAssertEqual(scores.overall.f1, result.best.metric, accuracy: 1e-12)
        }
    }

    func testALoadedTaggerTagsExactlyAsTheOneInMemoryAndFindsEntitySpans() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("ner.safetensors")
        try Self.settings(output: output, epochs: 40).train(progress: TrainingProgress(style: .quiet))
        let tagger = try TaggerModel(contentsOf: output)
        let again = try TaggerModel(contentsOf: output)
        let text = "Lena Hoffmann joined Kessler in Munich last year.  The company said on Tuesday that profits rose."
        let sentences = tagger.tag(text)
        XCTAssertEqual(sentences, again.tag(text))
        XCTAssertEqual(sentences.count, 2)
        let bytes = Array(text.utf8)
        for sentence in sentences {
            for token in sentence.tokens { XCTAssertEqual(String(decoding: bytes[token.range], as: UTF8.self), token.text) }
            for entity in sentence.entities { XCTAssertEqual(String(decoding: bytes[entity.range], as: UTF8.self), entity.text) }
        }
        // A sentence straight from the training data: the overfit model tags it as annotated.
        XCTAssertEqual(sentences[0].entities.map { "\($0.type) \($0.text)" }, ["PER Lena Hoffmann", "ORG Kessler", "LOC Munich"])
    }

    func testResumingAfterAnInterruptionGivesTheSameTagger() throws {
        let folder = try TemporaryFolder()
        var uninterrupted = Self.settings(output: folder.path("a.safetensors"))
        uninterrupted.wordDropout = 0.3   // its draws must be replayed too
        try uninterrupted.train(progress: TrainingProgress(style: .quiet))
        var interrupted = Self.settings(output: folder.path("b.safetensors"))
        interrupted.wordDropout = 0.3
        interrupted.run.checkpointEveryBatches = 4
        XCTAssertThrowsError(try interrupted.train(progress: TrainingProgress(style: .quiet), stopAfterBatches: 11))
        try interrupted.train(resume: true, progress: TrainingProgress(style: .quiet))
        XCTAssertEqual(try folder.bytes("a.safetensors"), try folder.bytes("b.safetensors"))
    }

    func testTrainingOnBIOESConvertsTheTagsAndScoresTheSameEntities() throws {
        let folder = try TemporaryFolder()
        var bioes = Self.settings(output: folder.path("bioes.safetensors"), epochs: 40)
        bioes.modelScheme = .bioes
        let result = try bioes.train(progress: TrainingProgress(style: .quiet))
        let tagger = try TaggerModel(contentsOf: folder.path("bioes.safetensors"))
        XCTAssertEqual(tagger.configuration.scheme, .bioes)
        XCTAssertTrue(tagger.configuration.tags.contains("S-LOC") && tagger.configuration.tags.contains("E-PER"))
        // Evaluated against the IOB2 file: entities are compared, not tag strings.
        XCTAssertEqual(tagger.evaluate(try CoNLLReader(path: Self.sample).readAll()).overall.f1, result.best.metric, accuracy: 1e-12)
    }

    func testMalformedCoNLLStopsTrainingWithFileAndLine() throws {
        let folder = try TemporaryFolder()
        let train = try folder.write("bad.conll", "EU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP\n")
        var bad = Self.settings(output: folder.path("m.safetensors"))
        bad.trainPath = train
        bad.devPath = train
        XCTAssertThrowsError(try bad.train(progress: TrainingProgress(style: .quiet))) {
            XCTAssertTrue("\($0)".hasPrefix("\(train):3:"), "\($0)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path("m.safetensors")))
    }

    func testTagsThatAreNotEntityTagsAndDevSetsWithoutEntitiesAreErrors() throws {
        let folder = try TemporaryFolder()
        var posColumn = Self.settings(output: folder.path("m.safetensors"))
        posColumn.tagColumn = .index(1)
        XCTAssertThrowsError(try posColumn.train(progress: TrainingProgress(style: .quiet))) {
            XCTAssertTrue("\($0)".contains("sample.conll:3: 'NNP' is not a tag of an entity scheme"), "\($0)")
        }
        let dev = try folder.write("dev.conll", "The DT O\ncat NN O\n\n")
        var noEntities = Self.settings(output: folder.path("m.safetensors"))
        noEntities.devPath = dev
        XCTAssertThrowsError(try noEntities.train(progress: TrainingProgress(style: .quiet))) {
            XCTAssertTrue("\($0)".hasPrefix("\(dev): the dev sentences hold no entity"), "\($0)")
        }
    }

    /// A stray `O I-PER` (invalid IOB2, which the CRF's masks forbid) is repaired to `O B-PER`,
    /// the same entity, instead of stopping training.
    func testInvalidSequencesAreRepairedNotFatal() throws {
        let folder = try TemporaryFolder()
        let text = try String(contentsOfFile: Self.sample, encoding: .utf8)
            .replacingOccurrences(of: "Lena NNP B-NP B-PER", with: "Lena NNP B-NP I-PER")
        var repaired = Self.settings(output: folder.path("m.safetensors"))
        repaired.trainPath = try folder.write("train.conll", text)
        repaired.dataScheme = .iob2
        XCTAssertNoThrow(try repaired.train(progress: TrainingProgress(style: .quiet)))
    }
}
