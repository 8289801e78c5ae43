import FileIO
import Embedding
import Foundation
import Seq2Seq
import Tensor
import Tokenize

/// Trains a `TextClassifier` from labelled text files: reads and checks the data, builds the
/// vocabulary and the network, and runs the `Trainer`, writing the best model to `outputPath`
/// whenever the dev score improves.
public struct TextClassifierTraining: TaskTraining {
    /// How the tokens enter the network.
    public enum EmbeddingChoice: Equatable, Encodable, Sendable {
        /// A table learned from N(0, 1), of this width.
        case learned(dimension: Int)
        /// One-hot vectors of vocabulary width (a constant identity table, gathered).
        case oneHot
        /// word2vec/GloVe text vectors (`.gz` too); words not in the file start random.
        case pretrained(path: String)
    }

    public var trainPath: String
    /// Without a dev file, `devFraction` of the training lines (seeded) are held out as dev.
    public var devPath: String?
    public var devFraction = 0.1
    /// nil: detected from the first line of each file.
    public var format: LabeledTextFormat?
    /// Of tree files: how their labels become classes, and whether training reads every
    /// labelled phrase (true) or the sentences only. Dev is always scored on sentences.
    public var treeLabels = SentimentTreeLabels.binary
    public var phrases = true
    public var tokenize = TokenizeStage(normalize: NormalizeStage(form: .nfc, caseMapping: .lowercase), splitContractions: true)
    public var minCount = 1
    public var maxVocabulary: Int?
    public var embedding = EmbeddingChoice.learned(dimension: 100)
    public var freezeEmbedding = false
    /// With pretrained vectors: also give the first this-many words of the vectors file (the most
    /// frequent) a vocabulary entry, so words the training data never shows keep their vectors.
    public var vectorsVocabulary = 0
    public var encoder = EncoderConfiguration(cell: .lstm, inputSize: 100, hiddenSize: 128, layers: 1,
                                              bidirectional: true, merge: .concat, dropout: 0)
    public var pooling = Pooling.max
    public var dropout = 0.5
    /// Share of training tokens read as `<unk>` (`WordDropout`).
    public var wordDropout = 0.0
    /// ε of adversarial training on the token vectors (`AdversarialPerturbation`); 0 is off.
    public var adversarialEpsilon = 0.0
    /// Names shown for labels, e.g. ["0": "negative", "1": "positive"].
    public var labelNames: [String: String] = [:]
    /// A trained classifier to start from (fine-tuning, e.g. on sentences after phrases): its
    /// tokenizer, vocabulary, labels and weights are taken; the settings that shape the network
    /// must describe it, and those of the embedding's source (vectors, vocabulary) are not used.
    public var initialModelPath: String?
    /// The output, the loop's options, saving and checkpoints.
    public var run: TrainingRun

    public init(trainPath: String, devPath: String?, outputPath: String) {
        self.trainPath = trainPath
        self.devPath = devPath
        self.run = TrainingRun(outputPath: outputPath)
    }

    /// The widest vocabulary one-hot inputs take: the identity table is V² floats (400 MB at 10,000).
    public static let maximumOneHotWidth = 10_000

    public var problem: String? {
        if case .learned(let dimension) = embedding, dimension < 1 { return "--embedding-dim must be at least 1" }
        if freezeEmbedding && embedding == .oneHot {
            return "--freeze-embedding has no effect with --embedding one-hot, whose vectors are always fixed"
        }
        if vectorsVocabulary < 0 { return "--vectors-vocab must be 0 or more" }
        if case .pretrained = embedding {} else if vectorsVocabulary > 0 { return "--vectors-vocab needs --vectors" }
        if minCount < 1 { return "--min-count must be at least 1" }
        if let maxVocabulary, maxVocabulary < 5 { return "--max-vocab must be at least 5 (4 special tokens and one word)" }
        if !(devFraction > 0 && devFraction < 1) { return "--dev-fraction must be in (0, 1)" }
        if let problem = encoder.optionProblem { return problem }
        for (name, value) in [("--dropout", dropout), ("--word-dropout", wordDropout)] where !(value >= 0 && value < 1) {
            return "\(name) must be in [0, 1)"
        }
        if !(adversarialEpsilon >= 0 && Float(adversarialEpsilon).isFinite) {   // the network runs in Float
            return "--adversarial must be a finite number ≥ 0"
        }
        return nil
    }

    @discardableResult
    public func train(resume: Bool = false, progress: TrainingProgress,
                      stopAfterBatches: Int? = nil) throws -> Trainer<TextClassifier>.Result {
        let recipe = try run.start(resume: resume, settingsProblem: problem)
        try tokenize.checkUsable(modelPath: run.outputPath)
        var files = [Provenance.DataFile(role: "train", path: trainPath, sha256: try SHA256.hexDigest(ofFile: trainPath))] + recipe
        let trainFormat = try format ?? LabeledTextFormat.detect(path: trainPath)
        var trainTexts: [LabeledText]
        var devTexts: [LabeledText]
        if let devPath {
            files.append(.init(role: "dev", path: devPath, sha256: try SHA256.hexDigest(ofFile: devPath)))
            trainTexts = try trainFormat.read(path: trainPath, treeLabels: treeLabels, phrases: phrases)
            devTexts = try (format ?? LabeledTextFormat.detect(path: devPath)).read(path: devPath, treeLabels: treeLabels)
        } else if trainFormat == .sstTrees {
            // Whole trees are held out, so that no phrase of a dev sentence is trained on.
            let (trainTrees, devTrees) = try TrainingData.holdOut(try SentimentTree.readAll(path: trainPath), fraction: devFraction,
                                                                  seed: run.options.seed, path: trainPath, progress: progress, what: "trees")
            trainTexts = try SentimentTree.examples(of: trainTrees, labels: treeLabels, phrases: phrases, path: trainPath)
            devTexts = try SentimentTree.examples(of: devTrees, labels: treeLabels, phrases: false, path: trainPath)
        } else {
            (trainTexts, devTexts) = try TrainingData.holdOut(try trainFormat.read(path: trainPath), fraction: devFraction,
                                                              seed: run.options.seed, path: trainPath, progress: progress, what: "lines")
        }

        let initial = try initialModelPath.map { path in
            files.append(.init(role: "init", path: path, sha256: try SHA256.hexDigest(ofFile: path)))
            return try TextClassifier(contentsOf: path)
        }
        let labels = try initial?.configuration.label.labels ?? Self.labels(of: trainTexts, path: trainPath)
        let labelIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        for (examples, path) in [(trainTexts, trainPath), (devTexts, devPath ?? trainPath)] {
            for example in examples where labelIndex[example.label] == nil {
                throw DataError(path: path, line: example.line, "label '\(example.label)' does not occur in "
                                + (initial == nil ? "the training data \(labels)" : "the model \(initialModelPath!)'s labels \(labels)"))
            }
        }
        let (model, trainTokens) = try initial.map { try continuing($0, labels: labels, trainTexts: trainTexts, progress: progress) }
            ?? building(labels: labels, trainTexts: trainTexts, files: &files, progress: progress)
        let tokenize = model.configuration.tokenize, encode = model.configuration.encode, network = model.network
        func examples(_ texts: [LabeledText], tokens: [[String]]? = nil) -> [TextClassifier.Example] {
            texts.enumerated().map { i, text in
                let ids = encode(tokens?[i] ?? tokenize(text.text))
                return .init(ids: ids.isEmpty ? [Vocabulary.unknownID] : ids, label: labelIndex[text.label]!)
            }
        }
        let trainExamples = examples(trainTexts, tokens: trainTokens), devExamples = examples(devTexts)
        let parameterCount = network.parameters.filter { !$0.isFrozen }.reduce(0) { $0 + $1.value.count }
        progress.line("\(trainExamples.count) training and \(devExamples.count) dev examples, \(labels.count) labels, "
                      + "vocabulary \(encode.vocabulary.count), \(parameterCount) trainable parameters")

        return try run.train(model, train: trainExamples, dev: devExamples, data: files, settings: self,
                             resume: resume, progress: progress, stopAfterBatches: stopAfterBatches)
    }
}

extension TextClassifierTraining {
    /// The labels of the training data: in numeric order when all are integers; at least two, and
    /// `labelNames` may only rename labels that occur.
    static func labels(of texts: [LabeledText], path: String) throws -> [String] {
        let distinct = Set(texts.map(\.label))
        let labels = distinct.allSatisfy({ Int($0) != nil }) ? distinct.sorted { Int($0)! < Int($1)! } : distinct.sorted()
        guard labels.count >= 2 else {
            throw DataError(path: path, "the training data has only one label ('\(labels.first ?? "")'); a classifier needs two or more")
        }
        return labels
    }

    /// The network these settings describe, for `vocabularySize` entries of `dimension`-wide vectors.
    func networkConfiguration(vocabularySize: Int, dimension: Int, classes: Int) -> SequenceClassifierConfiguration {
        var encoderConfiguration = encoder
        encoderConfiguration.inputSize = dimension
        return SequenceClassifierConfiguration(
            vocabularySize: vocabularySize, embeddingDimension: dimension, oneHot: embedding == .oneHot,
            encoder: encoderConfiguration, pooling: pooling, classes: classes, dropout: dropout, wordDropout: wordDropout,
            adversarialEpsilon: adversarialEpsilon)
    }

    /// A new model: vocabulary from the training tokens (widened by the vectors' leading words),
    /// embedding learned, one-hot or from pretrained vectors, and the network these settings describe.
    private func building(labels: [String], trainTexts: [LabeledText], files: inout [Provenance.DataFile],
                          progress: TrainingProgress) throws -> (TextClassifier, [[String]]) {
        for name in labelNames.keys where !labels.contains(name) {
            throw DataError(path: trainPath, "--label-names names '\(name)', which is not a label of the training data \(labels)")
        }
        let shown = labels.map { labelNames[$0] ?? $0 }
        guard Set(shown).count == shown.count else {
            throw DataError(path: trainPath, "--label-names gives two labels the same name: \(shown)")
        }
        let trainTokens = trainTexts.map { tokenize($0.text) }
        var builder = VocabularyBuilder()
        for tokens in trainTokens { builder.add(contentsOf: tokens) }
        var vocabulary = builder.build(minimumCount: minCount, maximumSize: maxVocabulary)
        if case .pretrained(let path) = embedding {
            vocabulary = try TrainingData.widen(vocabulary, withLeadingWordsOf: path, count: vectorsVocabulary)
        }

        var generator = SeededGenerator(seed: run.options.seed)
        var pretrained: Matrix<Float>?
        let dimension: Int
        switch embedding {
        case .learned(let d):
            dimension = d
        case .oneHot:
            dimension = vocabulary.count
            guard vocabulary.count <= Self.maximumOneHotWidth else {
                throw DataError(path: trainPath, "one-hot inputs would be \(vocabulary.count) wide (a \(vocabulary.count)² table); "
                                + "limit the vocabulary with --max-vocab \(Self.maximumOneHotWidth) or less, or use a learned embedding")
            }
        case .pretrained(let path):
            files.append(.init(role: "vectors", path: path, sha256: try SHA256.hexDigest(ofFile: path)))
            let vectors = try PretrainedVectors(contentsOf: path, words: vocabulary.tokens,
                                                zeroRows: [Vocabulary.paddingID], generator: &generator)
            progress.line("\(path): vectors for \(vectors.found) of \(vocabulary.count) vocabulary entries")
            pretrained = vectors.table
            dimension = vectors.table.cols
        }
        let configuration = networkConfiguration(vocabularySize: vocabulary.count, dimension: dimension, classes: labels.count)
        if let problem = configuration.problem { throw DataError(path: run.outputPath, "cannot build the network: \(problem)") }
        let network = SequenceClassifier<Float>(configuration: configuration, pretrainedTable: pretrained,
                                                freezeEmbedding: freezeEmbedding, generator: &generator)
        return (TextClassifier(configuration: .init(tokenize: tokenize, encode: EncodeStage(vocabulary: vocabulary), network: configuration,
                                                    label: LabelStage(labels: labels, displayNames: labelNames)),
                               network: network), trainTokens)
    }

    /// A model that starts where `initial` ends: its tokenizer, vocabulary, labels and weights, with
    /// this run's dropouts and ε. The shape these settings describe must be the initial model's.
    private func continuing(_ initial: TextClassifier, labels: [String], trainTexts: [LabeledText],
                            progress: TrainingProgress) throws -> (TextClassifier, [[String]]) {
        let path = initialModelPath!
        let had = initial.network.configuration
        let configuration = networkConfiguration(vocabularySize: had.vocabularySize, dimension: had.embeddingDimension,
                                                 classes: had.classes)
        let e = configuration.encoder, h = had.encoder
        let differences = [("--cell", e.cell.rawValue, h.cell.rawValue), ("--layers", "\(e.layers)", "\(h.layers)"),
                           ("--hidden", "\(e.hiddenSize)", "\(h.hiddenSize)"),
                           ("--bidirectional", "\(e.bidirectional)", "\(h.bidirectional)"),
                           ("--merge", e.merge.rawValue, h.merge.rawValue), ("--pooling", configuration.pooling.rawValue, had.pooling.rawValue),
                           ("--embedding one-hot", "\(configuration.oneHot)", "\(had.oneHot)")]
            .filter { $0.1 != $0.2 }.map { "\($0.0) \($0.1) (the model: \($0.2))" }
        guard differences.isEmpty else {
            throw DataError(path: path, "the options describe another network than this model's: " + differences.joined(separator: ", "))
        }
        if case .pretrained(let vectors) = embedding {
            progress.line("\(vectors) is not read: the embedding starts from \(path)")
        }
        var generator = SeededGenerator(seed: run.options.seed)
        let network = SequenceClassifier<Float>(configuration: configuration, freezeEmbedding: freezeEmbedding, generator: &generator)
        for parameter in network.parameters {
            parameter.value = initial.network.parameter(named: parameter.name)!.value
        }
        progress.line("starting from \(path): its vocabulary (\(had.vocabularySize)), labels \(labels) and weights")
        var modelConfiguration = initial.configuration
        modelConfiguration.network = configuration
        let tokenize = modelConfiguration.tokenize
        return (TextClassifier(configuration: modelConfiguration, network: network), trainTexts.map { tokenize($0.text) })
    }
}

/// The settings as the model's provenance records them, by option name (the run's own part is
/// recorded beside them, and the data files with their checksums).
extension TextClassifierTraining {
    enum CodingKeys: String, CodingKey {
        case devFraction = "dev-fraction", format, treeLabels = "tree-labels", phrases, tokenize, minCount = "min-count", maxVocabulary = "max-vocab"
        case embedding, freezeEmbedding = "freeze-embedding", vectorsVocabulary = "vectors-vocab", encoder, pooling
        case dropout, wordDropout = "word-dropout", adversarialEpsilon = "adversarial", labelNames = "label-names"
        case initialModelPath = "init-from"
    }
}
