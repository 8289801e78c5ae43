import FileIO
import Foundation
import Seq2Seq
import Tensor
import Tokenize

/// Trains a `TranslationModel` from one or more parallel corpora: reads and checks the pairs,
/// normalises and filters them (`PairFilter`), learns a joint byte-pair encoding and the two
/// vocabularies of pieces, builds the network, and runs the `Trainer` with dev BLEU (greedy) as
/// the early-stopping metric, writing the best model to `outputPath` whenever dev BLEU improves.
/// Corpora with weights other than 1 are sampled per epoch as `CorpusMixture` says.
public struct TranslationTraining: TaskTraining {
    /// Where a corpus comes from: two line-aligned files, or one TAB-separated file.
    public enum CorpusFiles: Equatable, Encodable, Sendable {
        case aligned(source: String, target: String)
        case tabSeparated(path: String, sourceColumn: Int, targetColumn: Int)

        public var paths: [(role: String, path: String)] {
            switch self {
            case .aligned(let source, let target): [("source", source), ("target", target)]
            case .tabSeparated(let path, _, _): [("pairs", path)]
            }
        }

        /// The file(s) as people name them: `train.tsv`, `train.en,train.de`.
        public var name: String { paths.map(\.path).joined(separator: ",") }

        public func read(_ options: ParallelCorpusOptions) throws -> ParallelCorpus {
            switch self {
            case .aligned(let source, let target): try ParallelCorpus(source: source, target: target, options: options)
            case .tabSeparated(let path, let s, let t): try ParallelCorpus(tsv: path, sourceColumn: s, targetColumn: t, options: options)
            }
        }
    }

    /// A training corpus and how much of it an epoch draws (see `CorpusMixture`).
    public struct WeightedCorpus: Equatable, Encodable, Sendable {
        public var files: CorpusFiles
        public var weight: Double

        public init(_ files: CorpusFiles, weight: Double = 1) {
            self.files = files
            self.weight = weight
        }
    }

    /// The training corpora, read and filtered in this order.
    public var train: [WeightedCorpus]
    /// The dev corpora, scored as one; empty: `devFraction` of the training pairs (seeded) are
    /// held out as dev.
    public var dev: [CorpusFiles]
    public var devFraction = 0.05
    public var corpus = ParallelCorpusOptions(maximumWords: 100, policy: .fail)
    /// See `PairFilter`; nil: no length-ratio filter.
    public var maximumLengthRatio: Double? = 3
    /// Also write the model after every epoch, to `epochPath(_:)` (for checkpoint averaging).
    public var saveEveryEpoch = false
    public var tokenize = TokenizeStage()
    /// Merges of the joint byte-pair encoding.
    public var merges = 8000
    /// Pieces seen fewer times in training go to `<unk>`.
    public var minCount = 1
    public var embeddingDimension = 256
    public var encoder = EncoderConfiguration(cell: .gru, inputSize: 256, hiddenSize: 256, layers: 1,
                                              bidirectional: true, merge: .concat, dropout: 0)
    public var decoderHiddenSize = 512
    public var attention = AttentionScore.additive
    public var attentionSize = 512
    public var dropout = 0.3
    public var labelSmoothing = 0.1
    /// The output layer reuses the target embedding.
    public var tieEmbeddings = false
    /// The output, the loop's options (by default batches of 64, up to 20 epochs, the learning
    /// rate halved after an epoch without improvement), saving and checkpoints.
    public var run: TrainingRun

    public init(train: [WeightedCorpus], dev: [CorpusFiles], outputPath: String) {
        self.train = train
        self.dev = dev
        var options = TrainingOptions()
        options.batchSize = 64
        options.epochs = 20
        options.patience = 3
        options.learningRateDecay = 0.5
        self.run = TrainingRun(outputPath: outputPath, options: options)
    }

    /// One corpus of weight 1, and a dev corpus or none.
    public init(train: CorpusFiles, dev: CorpusFiles?, outputPath: String) {
        self.init(train: [WeightedCorpus(train)], dev: dev.map { [$0] } ?? [], outputPath: outputPath)
    }

    /// Where `saveEveryEpoch` writes epoch `epoch`: `model.safetensors` → `model.epoch3.safetensors`.
    public func epochPath(_ epoch: Int) -> String {
        let outputPath = run.outputPath
        let name = outputPath.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? outputPath
        let folder = String(outputPath.dropLast(name.count))
        if let dot = name.lastIndex(of: "."), dot != name.startIndex {
            return folder + name[..<dot] + ".epoch\(epoch)" + name[dot...]
        }
        return outputPath + ".epoch\(epoch)"
    }

    public var problem: String? {
        if train.isEmpty { return "no training corpus given" }
        if let bad = train.first(where: { !($0.weight >= 0 && $0.weight.isFinite) }) {
            return "the weight of a corpus must be 0 or more (\(bad.files.name) has \(bad.weight))"
        }
        if let ratio = maximumLengthRatio, !(ratio >= 1) { return "--max-length-ratio must be 0 (no limit) or at least 1" }
        if !(devFraction > 0 && devFraction < 1) { return "--dev-fraction must be in (0, 1)" }
        if merges < 0 { return "--merges must be 0 or more" }
        if minCount < 1 { return "--min-count must be at least 1" }
        for (name, value) in [("--embedding-dim", embeddingDimension), ("--decoder-hidden", decoderHiddenSize),
                              ("--attention-size", attentionSize)] where value < 1 {
            return "\(name) must be at least 1"
        }
        if let problem = encoder.optionProblem { return problem }
        for (name, value) in [("--dropout", dropout), ("--label-smoothing", labelSmoothing)] where !(value >= 0 && value < 1) {
            return "\(name) must be in [0, 1)"
        }
        if attention == .dot && decoderHiddenSize != encoder.outputSize {
            return "--attention dot needs --decoder-hidden equal to the encoder output width (\(encoder.outputSize))"
        }
        return nil
    }

    @discardableResult
    public func train(resume: Bool = false, progress: TrainingProgress,
                      stopAfterBatches: Int? = nil) throws -> Trainer<TranslationModel>.Result {
        let recipe = try run.start(resume: resume, settingsProblem: problem)
        try tokenize.checkUsable(modelPath: run.outputPath)
        let firstPath = train[0].files.paths[0].path  // names the data in errors about all of it
        var files: [Provenance.DataFile] = []
        files += recipe
        func fingerprint(_ corpus: CorpusFiles, as role: String) throws {
            for (part, path) in corpus.paths {
                files.append(.init(role: role + "-" + part, path: path, sha256: try SHA256.hexDigest(ofFile: path)))
            }
        }
        var filter = PairFilter(maximumLengthRatio: maximumLengthRatio)
        var corpusPairs: [[SentencePair]] = []
        for (number, corpus) in train.enumerated() {
            try fingerprint(corpus.files, as: train.count == 1 ? "train" : "train\(number + 1)")
            let read = try corpus.files.read(self.corpus)
            if let summary = read.skippedSummary() { progress.line(summary) }
            let (pairs, report) = filter.filter(read, name: corpus.files.name)
            progress.line(report.summary + (corpus.weight == 1 ? "" : ", weight \(corpus.weight)"))
            corpusPairs.append(pairs)
        }
        var devPairs: [SentencePair] = []
        for corpus in dev {
            try fingerprint(corpus, as: "dev")
            let read = try corpus.read(self.corpus)
            if let summary = read.skippedSummary() { progress.line(summary) }
            devPairs += read.pairs.map { SentencePair(source: PairFilter.normalize($0.source), target: $0.target, line: $0.line) }
        }
        if dev.isEmpty {
            // Held out from the first corpus.
            (corpusPairs[0], devPairs) = try TrainingData.holdOut(corpusPairs[0], fraction: devFraction, seed: run.options.seed,
                                                                  path: firstPath, progress: progress,
                                                                  what: "pairs", devOption: "--dev-src and --dev-tgt, or --dev-tsv")
        }
        let trainPairs = corpusPairs.flatMap { $0 }
        guard !trainPairs.isEmpty, !devPairs.isEmpty else {
            throw DataError(path: firstPath, "no usable sentence pairs")
        }

        let clock = ContinuousClock(), start = clock.now
        let subword = SubwordStage(learning: merges, from: trainPairs.map(\.source) + trainPairs.map(\.target),
                                   tokenize: tokenize)
        let sourcePieces = trainPairs.map { subword.pieces(of: $0.source) }
        let targetPieces = trainPairs.map { subword.pieces(of: $0.target) }
        func vocabulary(_ sentences: [[String]]) -> Vocabulary {
            var builder = VocabularyBuilder()
            for pieces in sentences { builder.add(contentsOf: pieces) }
            return builder.build(minimumCount: minCount, maximumSize: nil)
        }
        let sourceEncode = EncodeStage(vocabulary: vocabulary(sourcePieces))
        let targetEncode = EncodeStage(vocabulary: vocabulary(targetPieces))
        progress.line("byte-pair encoding: \(subword.encoding.count) merges, vocabularies \(sourceEncode.vocabulary.count) "
                      + "source and \(targetEncode.vocabulary.count) target pieces (\(clock.now - start))")

        var encoderConfiguration = encoder
        encoderConfiguration.inputSize = embeddingDimension
        let networkConfiguration = TranslatorConfiguration(
            sourceVocabularySize: sourceEncode.vocabulary.count, targetVocabularySize: targetEncode.vocabulary.count,
            embeddingDimension: embeddingDimension, encoder: encoderConfiguration, decoderHiddenSize: decoderHiddenSize,
            attention: attention, attentionSize: attentionSize, dropout: dropout, tieEmbeddings: tieEmbeddings)
        if let problem = networkConfiguration.problem {
            throw DataError(path: firstPath, "cannot build the network: \(problem) (are --min-count or the corpus leaving no pieces?)")
        }
        var generator = SeededGenerator(seed: run.options.seed)
        let network = Translator<Float>(configuration: networkConfiguration, generator: &generator)
        let configuration = TranslationConfiguration(subword: subword, sourceEncode: sourceEncode,
                                                     targetEncode: targetEncode, network: networkConfiguration)
        let model = TranslationModel(configuration: configuration, network: network)
        model.labelSmoothing = labelSmoothing

        func example(_ pair: SentencePair, source: [String]? = nil, target: [String]? = nil) -> TranslationModel.Example? {
            let sourceIDs = sourceEncode(source ?? subword.pieces(of: pair.source))
            let targetIDs = targetEncode(target ?? subword.pieces(of: pair.target))
            guard !sourceIDs.isEmpty else { return nil }
            return .init(source: sourceIDs, target: targetIDs, sourceText: pair.source, reference: pair.target)
        }
        var trainExamples: [TranslationModel.Example] = [], counts: [Int] = []
        var offset = 0
        for pairs in corpusPairs {
            let examples = (offset..<(offset + pairs.count)).compactMap {
                example(trainPairs[$0], source: sourcePieces[$0], target: targetPieces[$0])
            }
            offset += pairs.count
            trainExamples += examples
            counts.append(examples.count)
        }
        let mixture = CorpusMixture(counts: counts, weights: train.map(\.weight))
        let devExamples = devPairs.compactMap { example($0) }
        // A source of only characters the tokenizer drops (zero-width spaces) has no pieces.
        let dropped = trainPairs.count - trainExamples.count + devPairs.count - devExamples.count
        if dropped > 0 { progress.line("left out \(dropped) pairs whose source has no tokens") }
        guard !trainExamples.isEmpty, !devExamples.isEmpty else {
            throw DataError(path: firstPath, "no pairs with source tokens left for training and dev")
        }
        let parameterCount = network.parameters.reduce(0) { $0 + $1.value.count }
        let targetTokens = trainExamples.reduce(0) { $0 + $1.target.count + 1 }
        progress.line("\(trainExamples.count) training pairs (\(targetTokens) target pieces) and \(devExamples.count) dev pairs, "
                      + "\(parameterCount) parameters")
        if !mixture.isUniform {
            let drawn = counts.indices.reduce(0) { $0 + mixture.draws(from: $1) }
            progress.line("an epoch draws \(drawn) pairs: " + counts.indices.map {
                "\(mixture.draws(from: $0)) of \(counts[$0]) from \(train[$0].files.name)"
            }.joined(separator: ", "))
        }

        return try run.train(model, train: trainExamples, dev: devExamples, data: files, settings: self,
                             resume: resume, progress: progress, stopAfterBatches: stopAfterBatches,
                             mixture: mixture.isUniform ? nil : mixture, epochPath: saveEveryEpoch ? epochPath : nil)
    }
}

/// The settings as the model's provenance records them, by option name (the run's own part is
/// recorded beside them, and the data files with their checksums).
extension TranslationTraining {
    enum CodingKeys: String, CodingKey {
        case train, dev, devFraction = "dev-fraction", corpus, maximumLengthRatio = "max-length-ratio"
        case saveEveryEpoch = "save-every-epoch", tokenize, merges, minCount = "min-count"
        case embeddingDimension = "embedding-dim", encoder, decoderHiddenSize = "decoder-hidden", attention
        case attentionSize = "attention-size", dropout, labelSmoothing = "label-smoothing", tieEmbeddings = "tie-embeddings"
    }
}
