import FileIO
import Foundation
import Seq2Seq
import Tensor
import Tokenize

/// Trains a `LanguageModel` on plain text, one sentence (or any unit) a line: reads the lines,
/// builds the vocabulary, builds the network and runs the `Trainer`, writing the model with the
/// best dev perplexity to `outputPath`.
public struct LanguageModelTraining: TaskTraining {
    public var trainPath: String
    /// Without a dev file, `devFraction` of the training lines (seeded) are held out as dev.
    public var devPath: String?
    public var devFraction = 0.05
    public var tokenize = TokenizeStage(normalize: NormalizeStage(form: .nfc, caseMapping: .lowercase), splitContractions: true)
    /// Byte-pair-encoding merges learned on the training text: a subword model; 0: a word model.
    public var merges = 0
    public var minCount = 2
    public var maxVocabulary: Int? = 20_000
    public var embeddingDimension = 256
    public var encoder = EncoderConfiguration(cell: .lstm, inputSize: 256, hiddenSize: 256, layers: 2,
                                              bidirectional: false, merge: .concat, dropout: 0.3)
    public var dropout = 0.3
    public var tied = true
    /// Steps of a window of truncated BPTT.
    public var window = 35
    /// Read consecutive lines as a stream in blocks of up to this many tokens, the state carried
    /// across lines (`LanguageModelConfiguration.streamBlock`); nil: line by line.
    public var streamBlock: Int?
    /// Multiplies every layer's initial W_hh (1: the usual initialisation). Above 1 a tanh RNN's
    /// gradient explodes: a lesson for `--gradient-report` with and without `--clip`.
    public var recurrentScale = 1.0
    /// The output, the loop's options, saving and checkpoints.
    public var run: TrainingRun

    public init(trainPath: String, devPath: String?, outputPath: String) {
        self.trainPath = trainPath
        self.devPath = devPath
        self.run = TrainingRun(outputPath: outputPath)
    }

    public var problem: String? {
        if embeddingDimension < 1 { return "--embedding-dim must be at least 1" }
        if minCount < 1 { return "--min-count must be at least 1" }
        if let maxVocabulary, maxVocabulary < 5 { return "--max-vocab must be at least 5 (4 special tokens and one word)" }
        if !(devFraction > 0 && devFraction < 1) { return "--dev-fraction must be in (0, 1)" }
        if window < 1 { return "--bptt must be at least 1" }
        if merges < 0 { return "--bpe must be 0 (words) or a positive number of merges" }
        if let streamBlock, streamBlock < 2 { return "--stream must be at least 2 tokens" }
        if !(recurrentScale > 0 && recurrentScale.isFinite) { return "--recurrent-scale must be a positive number" }
        if let problem = encoder.optionProblem { return problem }
        if !(dropout >= 0 && dropout < 1) { return "--dropout must be in [0, 1)" }
        if tied && encoder.hiddenSize != embeddingDimension {
            return "--tied needs --hidden equal to --embedding-dim (\(encoder.hiddenSize) and \(embeddingDimension)); or --no-tied"
        }
        return nil
    }

    /// The non-blank lines of a text file.
    public static func lines(of path: String) throws -> [String] {
        var lines: [String] = []
        try LineReader(path: path).forEachLine { bytes, _ in
            let text = String(decoding: bytes, as: UTF8.self)   // UTF-8 was checked by the reader
            if !text.allSatisfy(\.isWhitespace) { lines.append(text) }
        }
        guard !lines.isEmpty else { throw DataError(path: path, "no text: every line is blank") }
        return lines
    }

    @discardableResult
    public func train(resume: Bool = false, progress: TrainingProgress,
                      stopAfterBatches: Int? = nil) throws -> Trainer<LanguageModel>.Result {
        let recipe = try run.start(resume: resume, settingsProblem: problem)
        try tokenize.checkUsable(modelPath: run.outputPath)
        var files = [Provenance.DataFile(role: "train", path: trainPath, sha256: try SHA256.hexDigest(ofFile: trainPath))] + recipe
        var trainLines = try Self.lines(of: trainPath)
        let devLines: [String]
        if let devPath {
            files.append(.init(role: "dev", path: devPath, sha256: try SHA256.hexDigest(ofFile: devPath)))
            devLines = try Self.lines(of: devPath)
        } else {
            (trainLines, devLines) = try TrainingData.holdOut(trainLines, fraction: devFraction, seed: run.options.seed,
                                                             path: trainPath, progress: progress, what: "lines")
        }

        let subword = merges > 0 ? SubwordStage(learning: merges, from: trainLines, tokenize: tokenize) : nil
        let tokens = { (line: String) in subword?.pieces(of: line) ?? tokenize(line) }
        let trainTokens = trainLines.map(tokens)
        var builder = VocabularyBuilder()
        for tokens in trainTokens { builder.add(contentsOf: tokens) }
        let vocabulary = builder.build(minimumCount: minCount, maximumSize: maxVocabulary)
        let encode = EncodeStage(vocabulary: vocabulary)
        var encoderConfiguration = encoder
        encoderConfiguration.inputSize = embeddingDimension
        encoderConfiguration.bidirectional = false
        let networkConfiguration = LanguageModelNetworkConfiguration(
            vocabularySize: vocabulary.count, embeddingDimension: embeddingDimension, encoder: encoderConfiguration,
            dropout: dropout, tied: tied)
        if let problem = networkConfiguration.problem { throw DataError(path: trainPath, "cannot build the network: \(problem)") }
        var generator = SeededGenerator(seed: run.options.seed)
        let model = LanguageModel(
            configuration: LanguageModelConfiguration(tokenize: tokenize, subword: subword, encode: encode,
                                                      streamBlock: streamBlock, network: networkConfiguration),
            network: LanguageModelNetwork<Float>(configuration: networkConfiguration, generator: &generator))
        model.window = window
        if recurrentScale != 1 { model.network.encoder.scaleRecurrentWeights(by: Float(recurrentScale)) }

        let trainExamples = model.examples(tokens: trainTokens)
        let devExamples = model.examples(tokens: devLines.map(tokens))
        let parameterCount = model.parameters.reduce(0) { $0 + $1.value.count }
        let predicted = trainExamples.reduce(0) { $0 + $1.ids.count - 1 }
        let unit = streamBlock == nil ? "lines" : "blocks"
        progress.line("\(trainExamples.count) training \(unit) (\(predicted) \(subword == nil ? "words" : "pieces") to predict) and "
                      + "\(devExamples.count) dev \(unit), vocabulary \(vocabulary.count)"
                      + (subword.map { " (\($0.encoding.count) merges)" } ?? "") + ", \(parameterCount) parameters")
        return try run.train(model, train: trainExamples, dev: devExamples, data: files, settings: self,
                             resume: resume, progress: progress, stopAfterBatches: stopAfterBatches)
    }
}

extension LanguageModelTraining {
    enum CodingKeys: String, CodingKey {
        case trainPath = "train", devPath = "dev", devFraction = "dev-fraction", tokenize, minCount = "min-count"
        case maxVocabulary = "max-vocab", embeddingDimension = "embedding-dim", encoder, dropout, tied, window = "bptt"
        case merges = "bpe", streamBlock = "stream", recurrentScale = "recurrent-scale"
    }
}
