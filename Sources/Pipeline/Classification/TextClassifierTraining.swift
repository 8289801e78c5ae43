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

        // Labels: as in the training data, in numeric order when all are integers.
        let distinct = Set(trainTexts.map(\.label))
        let labels = distinct.allSatisfy({ Int($0) != nil })
            ? distinct.sorted { Int($0)! < Int($1)! } : distinct.sorted()
        guard labels.count >= 2 else {
            throw DataError(path: trainPath, "the training data has only one label ('\(labels.first ?? "")'); a classifier needs two or more")
        }
        for name in labelNames.keys where !distinct.contains(name) {
            throw DataError(path: trainPath, "--label-names names '\(name)', which is not a label of the training data \(labels)")
        }
        let shown = labels.map { labelNames[$0] ?? $0 }
        guard Set(shown).count == shown.count else {
            throw DataError(path: trainPath, "--label-names gives two labels the same name: \(shown)")
        }
        let labelIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        for example in devTexts where labelIndex[example.label] == nil {
            throw DataError(path: devPath ?? trainPath, line: example.line,
                            "label '\(example.label)' does not occur in the training data \(labels)")
        }

        // Vocabulary from the training tokens.
        let trainTokens = trainTexts.map { tokenize($0.text) }
        var builder = VocabularyBuilder()
        for tokens in trainTokens { builder.add(contentsOf: tokens) }
        var vocabulary = builder.build(minimumCount: minCount, maximumSize: maxVocabulary)
        if case .pretrained(let path) = embedding {
            vocabulary = try TrainingData.widen(vocabulary, withLeadingWordsOf: path, count: vectorsVocabulary)
        }
        let encode = EncodeStage(vocabulary: vocabulary)

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
        var encoderConfiguration = encoder
        encoderConfiguration.inputSize = dimension
        let networkConfiguration = SequenceClassifierConfiguration(
            vocabularySize: vocabulary.count, embeddingDimension: dimension, oneHot: embedding == .oneHot,
            encoder: encoderConfiguration, pooling: pooling, classes: labels.count, dropout: dropout, wordDropout: wordDropout,
            adversarialEpsilon: adversarialEpsilon)
        if let problem = networkConfiguration.problem { throw DataError(path: run.outputPath, "cannot build the network: \(problem)") }
        let network = SequenceClassifier<Float>(configuration: networkConfiguration, pretrainedTable: pretrained,
                                                freezeEmbedding: freezeEmbedding, generator: &generator)
        let configuration = TextClassifierConfiguration(tokenize: tokenize, encode: encode, network: networkConfiguration,
                                                   label: LabelStage(labels: labels, displayNames: labelNames))
        let model = TextClassifier(configuration: configuration, network: network)
        func examples(_ texts: [LabeledText], tokens: [[String]]? = nil) -> [TextClassifier.Example] {
            texts.enumerated().map { i, text in
                let ids = encode(tokens?[i] ?? tokenize(text.text))
                return .init(ids: ids.isEmpty ? [Vocabulary.unknownID] : ids, label: labelIndex[text.label]!)
            }
        }
        let trainExamples = examples(trainTexts, tokens: trainTokens), devExamples = examples(devTexts)
        let parameterCount = network.parameters.filter { !$0.isFrozen }.reduce(0) { $0 + $1.value.count }
        progress.line("\(trainExamples.count) training and \(devExamples.count) dev examples, \(labels.count) labels, "
                      + "vocabulary \(vocabulary.count), \(parameterCount) trainable parameters")

        return try run.train(model, train: trainExamples, dev: devExamples, data: files, settings: self,
                             resume: resume, progress: progress, stopAfterBatches: stopAfterBatches)
    }
}

/// The settings as the model's provenance records them, by option name (the run's own part is
/// recorded beside them, and the data files with their checksums).
extension TextClassifierTraining {
    enum CodingKeys: String, CodingKey {
        case devFraction = "dev-fraction", format, treeLabels = "tree-labels", phrases, tokenize, minCount = "min-count", maxVocabulary = "max-vocab"
        case embedding, freezeEmbedding = "freeze-embedding", vectorsVocabulary = "vectors-vocab", encoder, pooling
        case dropout, wordDropout = "word-dropout", adversarialEpsilon = "adversarial", labelNames = "label-names"
    }
}
