import Foundation
import Pipeline
import Seq2Seq
import Tensor
import NLPTestSupport
import XCTest

final class TextClassifierTrainingTests: XCTestCase {
    /// The project's 100-line SST-format sample.
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("corpora/sentiment.sample.txt").path

    /// A small, fast configuration: training on the sample takes well under a second an epoch.
    static func settings(output: String, epochs: Int = 4) -> TextClassifierTraining {
        var settings = TextClassifierTraining(trainPath: Self.sample, devPath: Self.sample, outputPath: output)
        settings.embedding = .learned(dimension: 16)
        settings.encoder = EncoderConfiguration(cell: .lstm, inputSize: 16, hiddenSize: 16, layers: 1,
                                                bidirectional: true, merge: .concat, dropout: 0)
        settings.dropout = 0.3
        settings.labelNames = ["0": "negative", "1": "positive"]
        settings.run.options.epochs = epochs
        settings.run.options.batchSize = 8
        settings.run.options.learningRate = 0.01
        settings.run.options.patience = 100
        settings.run.options.seed = 11
        return settings
    }

    func testTrainingOverfitsATinyCorpus() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("model.safetensors")
        let result = try Self.settings(output: output, epochs: 30).train(progress: TrainingProgress(style: .quiet))
        XCTAssertEqual(result.best.metric, 1.0, "training accuracy on the training set: \(result.best.summary)")
        let model = try TextClassifier(contentsOf: output)
        let report = try model.evaluate(LabeledTextFormat.labelFirst.read(path: Self.sample), path: Self.sample)
        XCTAssertEqual(report.accuracy, 1.0)
        XCTAssertEqual(model.labels, ["negative", "positive"])
        XCTAssertEqual(model.provenance?.dev?.metric, 1.0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output + ".checkpoint"), "checkpoint removed at the end")
    }

    func testTheSameSeedGivesAByteIdenticalModelFile() throws {
        let folder = try TemporaryFolder()
        try Self.settings(output: folder.path("a.safetensors")).train(progress: TrainingProgress(style: .quiet))
        try Self.settings(output: folder.path("b.safetensors")).train(progress: TrainingProgress(style: .quiet))
        var other = Self.settings(output: folder.path("c.safetensors"))
        other.run.options.seed = 12
        try other.train(progress: TrainingProgress(style: .quiet))
        XCTAssertEqual(try folder.bytes("a.safetensors"), try folder.bytes("b.safetensors"))
        XCTAssertNotEqual(try folder.bytes("a.safetensors"), try folder.bytes("c.safetensors"))
    }

    /// ε reaches the network and the provenance, and the second pass changes what is learned (the
    /// same seed without it learns other weights); without it no "adversarial" setting is recorded.
    func testAdversarialTrainingIsRecordedAndChangesTheWeights() throws {
        let folder = try TemporaryFolder()
        try Self.settings(output: folder.path("plain.safetensors")).train(progress: TrainingProgress(style: .quiet))
        var adversarial = Self.settings(output: folder.path("adversarial.safetensors"))
        adversarial.adversarialEpsilon = 1
        try adversarial.train(progress: TrainingProgress(style: .quiet))
        let plain = try TextClassifier(contentsOf: folder.path("plain.safetensors"))
        let trained = try TextClassifier(contentsOf: folder.path("adversarial.safetensors"))
        XCTAssertEqual(trained.configuration.network.adversarialEpsilon, 1)
        XCTAssertEqual(trained.provenance?.settings["adversarial"]?.double, 1)
        XCTAssertEqual(plain.configuration.network.adversarialEpsilon, 0)
        XCTAssertEqual(plain.provenance?.settings["adversarial"]?.double, 0)
        for (a, b) in zip(plain.network.parameters, trained.network.parameters) {
            XCTAssertNotEqual(a.value, b.value, a.name)
        }
    }

    /// An interrupted run (stopped without warning after 23 batches, i.e. inside epoch 2, with
    /// checkpoints every 5 batches) resumed from its last checkpoint ends with the same file as a
    /// run that was never interrupted.
    func testResumingAfterAnInterruptionGivesTheSameModel() throws {
        let folder = try TemporaryFolder()
        let straight = folder.path("straight.safetensors"), interrupted = folder.path("interrupted.safetensors")
        var uninterrupted = Self.settings(output: straight)
        uninterrupted.wordDropout = 0.3   // its draws must be replayed too
        uninterrupted.adversarialEpsilon = 1   // and the second, perturbed pass's
        try uninterrupted.train(progress: TrainingProgress(style: .quiet))

        var resumable = Self.settings(output: interrupted)
        resumable.wordDropout = 0.3
        resumable.adversarialEpsilon = 1
        resumable.run.checkpointEveryBatches = 5
        XCTAssertThrowsError(try resumable.train(progress: TrainingProgress(style: .quiet), stopAfterBatches: 23)) {
            XCTAssertTrue($0 is TrainingInterruption, "\($0)")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: resumable.run.checkpointPath))
        // Without resume the checkpoint is not thrown away: the run is refused and says how to go on.
        XCTAssertThrowsError(try resumable.train(progress: TrainingProgress(style: .quiet))) {
            XCTAssertTrue("\($0)".contains("add --resume to continue it, or delete the file"), "\($0)")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: resumable.run.checkpointPath))
        try resumable.train(resume: true, progress: TrainingProgress(style: .quiet))
        XCTAssertEqual(try folder.bytes("straight.safetensors"), try folder.bytes("interrupted.safetensors"))
    }

    /// --init-from takes the model's vocabulary, labels and weights: a run on another file (new
    /// words) with a learning rate too small to move a weight ends with the model it started from.
    func testFineTuningStartsFromTheInitialModel() throws {
        let folder = try TemporaryFolder()
        let base = folder.path("base.safetensors")
        try Self.settings(output: base).train(progress: TrainingProgress(style: .quiet))
        var tuning = Self.settings(output: folder.path("tuned.safetensors"), epochs: 1)
        tuning.trainPath = try folder.write("sentences.txt", "1 an utterly unseen delight .\n0 a wholly unseen mess .\n")
        tuning.initialModelPath = base
        tuning.run.options.learningRate = 1e-30
        try tuning.train(progress: TrainingProgress(style: .quiet))

        let initial = try TextClassifier(contentsOf: base), tuned = try TextClassifier(contentsOf: folder.path("tuned.safetensors"))
        XCTAssertEqual(tuned.configuration.encode, initial.configuration.encode, "the vocabulary is the model's, not rebuilt")
        XCTAssertFalse(tuned.configuration.encode.vocabulary.contains("unseen"))
        XCTAssertEqual(tuned.labels, initial.labels)
        for (a, b) in zip(initial.network.parameters, tuned.network.parameters) {
            XCTAssertEqual(a.name, b.name)
            let largest = zip(a.value.storage, b.value.storage).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(largest, 1e-6, a.name)
        }
        XCTAssertEqual(tuned.provenance?.data.first { $0.role == "init" }?.path, base)
    }

    /// Options that shape another network than the initial model's are named with both values, and
    /// a training label the model lacks names the file and line; no model is written.
    func testFineTuningRefusesAnotherShapeOrAnUnknownLabel() throws {
        let folder = try TemporaryFolder()
        let base = folder.path("base.safetensors")
        try Self.settings(output: base, epochs: 1).train(progress: TrainingProgress(style: .quiet))
        var wider = Self.settings(output: folder.path("m.safetensors"), epochs: 1)
        wider.initialModelPath = base
        wider.encoder.hiddenSize = 32
        wider.pooling = .mean
        XCTAssertThrowsError(try wider.train(progress: TrainingProgress(style: .quiet))) {
            XCTAssertTrue("\($0)".hasPrefix(base), "\($0)")
            XCTAssertTrue("\($0)".contains("--hidden 32 (the model: 16)"), "\($0)")
            XCTAssertTrue("\($0)".contains("--pooling mean (the model: max)"), "\($0)")
        }
        var unknown = Self.settings(output: folder.path("m.safetensors"), epochs: 1)
        unknown.initialModelPath = base
        let train = try folder.write("three.txt", "1 good .\n0 bad .\n2 so-so .\n")
        unknown.trainPath = train
        XCTAssertThrowsError(try unknown.train(progress: TrainingProgress(style: .quiet))) {
            XCTAssertTrue("\($0)".hasPrefix("\(train):3: label '2' does not occur in the model"), "\($0)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path("m.safetensors")))
    }

    /// --gradient-report draws a line per epoch of ‖∂L/∂h‖ by steps before the end, and only
    /// watches: the model file is the same as without it.
    func testTheGradientReportHasALinePerEpochAndChangesNothing() throws {
        let folder = try TemporaryFolder()
        try Self.settings(output: folder.path("plain.safetensors"), epochs: 3).train(progress: TrainingProgress(style: .quiet))
        var watched = Self.settings(output: folder.path("watched.safetensors"), epochs: 3)
        watched.run.gradientReportPath = folder.path("report.svg")
        try watched.train(progress: TrainingProgress(style: .quiet))
        XCTAssertEqual(try folder.bytes("plain.safetensors"), try folder.bytes("watched.safetensors"))
        let svg = try String(contentsOfFile: folder.path("report.svg"), encoding: .utf8)
        let elements = try XCTUnwrap(XMLElements.parse(svg))
        XCTAssertEqual(elements.filter { $0.name == "polyline" }.count, 6, "‖∂L/∂h‖ and ‖g‖, a line per epoch each")
        let titles = elements.filter { $0.name == "title" }.map(\.text)
        XCTAssertEqual(titles.prefix(3), ["epoch 1", "epoch 2", "epoch 3"])
        XCTAssertEqual(elements.filter { $0.name == "line" && $0.attributes["class"] == "bound" }.count, 1, "the clipping bound")
        for (epoch, title) in titles.dropFirst(3).enumerated() {
            XCTAssertTrue(title.hasPrefix("epoch \(epoch + 1): ‖g‖ median "), title)
            XCTAssertTrue(title.hasSuffix("% of batches clipped at 5"), title)
        }
        XCTAssertTrue(svg.contains("steps back / at the end = "), svg)

        var nowhere = watched
        nowhere.run.gradientReportPath = "/no/such/folder/report.svg"
        XCTAssertThrowsError(try nowhere.train(progress: TrainingProgress(style: .quiet))) {
            XCTAssertTrue("\($0)".contains("/no/such/folder"), "\($0)")
        }
    }

    /// A model file named by one character in the current folder (which once trapped in
    /// Foundation's path splitting) is written like any other.
    func testAOneCharacterOutputNameIsWritable() throws {
        XCTAssertNoThrow(try OutputFile.checkWritable("m", what: "the model"))
        XCTAssertThrowsError(try OutputFile.checkWritable("/no/such/folder/m", what: "the model")) {
            XCTAssertTrue("\($0)".contains("the folder '/no/such/folder' does not exist"), "\($0)")
        }
    }

    /// A run that diverges says what to try and removes its checkpoint (resuming would diverge again,
    /// other options could not resume it), so the suggested retry is not refused.
    func testADivergedRunLeavesNoCheckpointInTheWayOfARetry() throws {
        let folder = try TemporaryFolder()
        var wild = Self.settings(output: folder.path("m.safetensors"))
        wild.run.options.optimizer = .sgd
        wild.run.options.clipNorm = nil
        wild.run.options.learningRate = 1e30
        wild.run.checkpointEveryBatches = 1
        XCTAssertThrowsError(try wild.train(progress: TrainingProgress(style: .quiet))) {
            XCTAssertTrue("\($0)".contains("training diverged") && "\($0)".contains("try a smaller --lr"), "\($0)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: wild.run.checkpointPath))
        var calm = wild
        calm.run.options.learningRate = 0.01
        XCTAssertNoThrow(try calm.train(progress: TrainingProgress(style: .quiet)))
    }

    func testResumingWithOtherOptionsIsRefused() throws {
        let folder = try TemporaryFolder()
        var first = Self.settings(output: folder.path("m.safetensors"))
        first.run.checkpointEveryBatches = 5
        XCTAssertThrowsError(try first.train(progress: TrainingProgress(style: .quiet), stopAfterBatches: 6))
        var changed = first
        changed.run.options.learningRate = 0.02
        XCTAssertThrowsError(try changed.train(resume: true, progress: TrainingProgress(style: .quiet))) {
            XCTAssertTrue("\($0)".contains("other data, options or model settings"), "\($0)")
        }
    }

    func testALoadedModelPredictsExactlyAsTheOneInMemory() throws {
        let folder = try TemporaryFolder()
        let model = try Self.smallModel()
        let path = folder.path("round.safetensors")
        try model.write(to: path, provenance: Provenance(data: [], training: TrainingOptions(), settings: .object([:])))
        let loaded = try TextClassifier(contentsOf: path)
        let texts = ["a warm , funny film .", "dull", "", "never seen before words here", "the the the"]
        XCTAssertEqual(loaded.classify(texts), model.classify(texts))
        XCTAssertEqual(loaded.configuration, model.configuration)
    }

    func testDamagedModelFilesGiveErrorsNamingTheFile() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("model.safetensors")
        try Self.smallModel().write(to: path, provenance: Provenance(data: [], training: TrainingOptions(), settings: .object([:])))
        let bytes = try folder.bytes("model.safetensors")

        var flipped = bytes
        flipped[bytes.count - 3] ^= 0x40
        let corrupted = folder.path("corrupted.safetensors")
        try Data(flipped).write(to: URL(fileURLWithPath: corrupted))
        XCTAssertThrowsError(try TextClassifier(contentsOf: corrupted)) {
            XCTAssertTrue("\($0)".hasPrefix(corrupted), "\($0)")
            XCTAssertTrue("\($0)".contains("corrupt"), "\($0)")
        }
        let truncated = folder.path("truncated.safetensors")
        try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: truncated))
        XCTAssertThrowsError(try TextClassifier(contentsOf: truncated)) {
            XCTAssertTrue("\($0)".hasPrefix(truncated), "\($0)")
        }
        XCTAssertThrowsError(try TextClassifier(contentsOf: folder.path("absent.safetensors"))) {
            XCTAssertTrue("\($0)".contains("absent.safetensors"), "\($0)")
        }
    }

    func testMalformedTrainingLinesStopTrainingWithFileAndLine() throws {
        let folder = try TemporaryFolder()
        let train = try folder.write("train.txt", "1 good .\n0 bad .\n1\n")
        var bad = Self.settings(output: folder.path("m.safetensors"))
        bad.trainPath = train
        bad.devPath = train
        XCTAssertThrowsError(try bad.train(progress: TrainingProgress(style: .quiet))) {
            XCTAssertEqual("\($0)".prefix(train.count + 3), "\(train):3:")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path("m.safetensors")))
    }

    func testADevLabelUnknownToTrainingIsAnError() throws {
        let folder = try TemporaryFolder()
        let dev = try folder.write("dev.txt", "1 good .\n2 neutral .\n")
        var bad = Self.settings(output: folder.path("m.safetensors"))
        bad.devPath = dev
        XCTAssertThrowsError(try bad.train(progress: TrainingProgress(style: .quiet))) {
            XCTAssertTrue("\($0)".hasPrefix("\(dev):2: label '2'"), "\($0)")
        }
    }

    func testDuplicateLabelNamesAndTooWideOneHotInputsAreErrors() throws {
        let folder = try TemporaryFolder()
        var duplicate = Self.settings(output: folder.path("m.safetensors"))
        duplicate.labelNames = ["0": "bad", "1": "bad"]
        XCTAssertThrowsError(try duplicate.train(progress: TrainingProgress(style: .quiet))) {
            XCTAssertTrue("\($0)".contains("the same name"), "\($0)")
        }
        let words = (0..<(TextClassifierTraining.maximumOneHotWidth + 1)).map { "w\($0)" }
        let train = try folder.write("wide.txt", "0 " + words.prefix(words.count / 2).joined(separator: " ")
                                     + "\n1 " + words.suffix(from: words.count / 2).joined(separator: " ") + "\n")
        var wide = Self.settings(output: folder.path("m.safetensors"))
        wide.trainPath = train
        wide.devPath = train
        wide.embedding = .oneHot
        XCTAssertThrowsError(try wide.train(progress: TrainingProgress(style: .quiet))) {
            XCTAssertTrue("\($0)".contains("--max-vocab"), "\($0)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path("m.safetensors")))
    }

    /// An untrained model over a small vocabulary, for file tests.
    static func smallModel() throws -> TextClassifier {
        let vocabulary = ["a", "warm", ",", "funny", "film", ".", "dull", "the"]
        let encode = try JSONDecoder().decode(EncodeStage.self, from: JSONEncoder().encode(
            ["tokens": ["<pad>", "<unk>", "<s>", "</s>"] + vocabulary]))
        let network = SequenceClassifierConfiguration(
            vocabularySize: vocabulary.count + 4, embeddingDimension: 6, oneHot: false,
            encoder: EncoderConfiguration(cell: .gru, inputSize: 6, hiddenSize: 5, layers: 2, bidirectional: true,
                                          merge: .concat, dropout: 0),
            pooling: .mean, classes: 2, dropout: 0.1)
        var generator = SeededGenerator(seed: 5)
        let configuration = TextClassifierConfiguration(
            tokenize: TokenizeStage(), encode: encode, network: network, label: LabelStage(labels: ["0", "1"]))
        return TextClassifier(configuration: configuration,
                              network: SequenceClassifier(configuration: network, generator: &generator))
    }
}
