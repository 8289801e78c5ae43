import FileIO
import Embedding
import Foundation
import Seq2Seq
import Tensor
import Tokenize

/// Trains a `TaggerModel` from CoNLL files: reads and checks the data, builds the word, character
/// and tag vocabularies and the network, and runs the `Trainer`, writing the best model (by dev
/// entity F1) to `outputPath` whenever it improves.
public struct TaggerTraining: TaskTraining {
    public var trainPath: String
    /// Without a dev file, `devFraction` of the training sentences (seeded) are held out as dev.
    public var devPath: String?
    public var devFraction = 0.1
    public var tokenColumn = 0
    public var tagColumn = CoNLLReader.TagColumn.last
    /// The scheme of the data's tags; nil: detected.
    public var dataScheme: TagScheme?
    /// The scheme the model predicts in (training tags are converted); nil: the data's.
    public var modelScheme: TagScheme?
    /// Raw text for `nlp tag`: ICU words, case kept, English clitics split as CoNLL's data is.
    public var tokenize = TokenizeStage(normalize: NormalizeStage(form: .nfc), splitContractions: true)
    public var wordKey = WordKey()
    public var minCount = 1
    public var wordDimension = 100
    /// word2vec/GloVe vectors to start the word embedding from (their width replaces `wordDimension`).
    public var vectorsPath: String?
    public var vectorsVocabulary = 0
    public var characterDimension = 25
    /// Per direction; 0: no character features.
    public var characterHidden = 25
    public var encoder = EncoderConfiguration(cell: .lstm, inputSize: 0, hiddenSize: 200, layers: 1,
                                              bidirectional: true, merge: .concat, dropout: 0)
    public var dropout = 0.5
    /// Share of training tokens read as `<unk>` (`WordDropout`).
    public var wordDropout = 0.0
    public var crf = true
    /// The output, the loop's options, saving and checkpoints.
    public var run: TrainingRun

    public init(trainPath: String, devPath: String?, outputPath: String) {
        self.trainPath = trainPath
        self.devPath = devPath
        self.run = TrainingRun(outputPath: outputPath)
    }

    public var problem: String? {
        for (name, value) in [("--word-dim", wordDimension), ("--char-dim", characterDimension), ("--min-count", minCount)] where value < 1 {
            return "\(name) must be at least 1"
        }
        if case .index(let column) = tagColumn {
            if column < 0 { return "--tag-column must be 0 or more" }
            if column == tokenColumn { return "--token-column and --tag-column must differ" }
        }
        if characterHidden < 0 || tokenColumn < 0 { return "--char-hidden and --token-column must be 0 or more" }
        if vectorsVocabulary < 0 { return "--vectors-vocab must be 0 or more" }
        if vectorsVocabulary > 0 && vectorsPath == nil { return "--vectors-vocab needs --vectors" }
        if !(devFraction > 0 && devFraction < 1) { return "--dev-fraction must be in (0, 1)" }
        if let problem = encoder.optionProblem { return problem }
        for (name, value) in [("--dropout", dropout), ("--word-dropout", wordDropout)] where !(value >= 0 && value < 1) {
            return "\(name) must be in [0, 1)"
        }
        return nil
    }

    @discardableResult
    public func train(resume: Bool = false, progress: TrainingProgress,
                      stopAfterBatches: Int? = nil) throws -> Trainer<TaggerModel>.Result {
        let recipe = try run.start(resume: resume, settingsProblem: problem)
        try tokenize.checkUsable(modelPath: run.outputPath)
        func read(_ path: String) throws -> [CoNLLSentence] {
            try CoNLLReader(path: path, tokenColumn: tokenColumn, tagColumn: tagColumn).readAll()
        }
        var files = [Provenance.DataFile(role: "train", path: trainPath, sha256: try SHA256.hexDigest(ofFile: trainPath))] + recipe
        var trainSentences = try read(trainPath)
        var devSentences: [CoNLLSentence]
        if let devPath {
            files.append(.init(role: "dev", path: devPath, sha256: try SHA256.hexDigest(ofFile: devPath)))
            devSentences = try read(devPath)
        } else {
            (trainSentences, devSentences) = try TrainingData.holdOut(trainSentences, fraction: devFraction, seed: run.options.seed,
                                                                      path: trainPath, progress: progress, what: "sentences")
        }

        for (path, sentences) in [(trainPath, trainSentences), (devPath ?? trainPath, devSentences)] {
            try TagScheme.checkEntityTags(sentences, path: path)
        }
        let scheme = dataScheme ?? TagScheme.detect(trainSentences.map(\.tags))
        let target = modelScheme ?? scheme
        // Converting also repairs sequences the scheme does not allow (a stray O I-PER becomes
        // O B-PER, the same entities), so the CRF's masks accept every training sentence.
        func tags(_ sentence: CoNLLSentence) -> [String] { TagScheme.convert(sentence.tags, from: scheme, to: target) }
        let tagSet = Set(trainSentences.flatMap(tags)).union(TagScheme.convert(["O"], from: scheme, to: target))
        let tagNames = tagSet.sorted { a, b in
            // O first, then by type, then by prefix: stable, readable class order.
            let (ta, tb) = (a == "O" ? "" : String(a.dropFirst(2)), b == "O" ? "" : String(b.dropFirst(2)))
            return ta != tb ? ta < tb : a < b
        }
        guard tagNames.count >= 2 else {
            throw DataError(path: trainPath, "the training data has only the tag '\(tagNames.first ?? "")'; a tagger needs two or more")
        }
        let tagIndex = Dictionary(uniqueKeysWithValues: tagNames.enumerated().map { ($1, $0) })
        guard devSentences.contains(where: { $0.tags.contains { $0 != "O" } }) else {
            throw DataError(path: devPath ?? trainPath, "the dev sentences hold no entity, so entity F1 cannot choose a model; "
                            + "give a --dev file with entities (or a larger --dev-fraction)")
        }
        for sentence in devSentences {
            for (row, tag) in tags(sentence).enumerated() where tagIndex[tag] == nil {
                throw DataError(path: devPath ?? trainPath, line: sentence.lineNumbers[row],
                                "tag '\(tag)' does not occur in the training data")
            }
        }

        var builder = VocabularyBuilder()
        for sentence in trainSentences { builder.add(contentsOf: sentence.tokens.map(wordKey.callAsFunction)) }
        var vocabulary = builder.build(minimumCount: minCount)
        var generator = SeededGenerator(seed: run.options.seed)
        var pretrained: Matrix<Float>?
        var dimension = wordDimension
        if let vectorsPath {
            files.append(.init(role: "vectors", path: vectorsPath, sha256: try SHA256.hexDigest(ofFile: vectorsPath)))
            vocabulary = try TrainingData.widen(vocabulary, withLeadingWordsOf: vectorsPath, count: vectorsVocabulary,
                                                key: wordKey.callAsFunction)
            let vectors = try PretrainedVectors(contentsOf: vectorsPath, words: vocabulary.tokens,
                                                zeroRows: [Vocabulary.paddingID], generator: &generator)
            progress.line("\(vectorsPath): vectors for \(vectors.found) of \(vocabulary.count) vocabulary entries")
            pretrained = vectors.table
            dimension = vectors.table.cols
        }
        let characters = characterHidden > 0
            ? CharacterEncodeStage(counting: trainSentences.flatMap(\.tokens)) : nil
        var encoderConfiguration = encoder
        encoderConfiguration.inputSize = dimension + (characters == nil ? 0 : 2 * characterHidden)
        let network = SequenceTaggerConfiguration(
            vocabularySize: vocabulary.count, embeddingDimension: dimension,
            characterVocabularySize: characters?.count ?? 0, characterEmbeddingDimension: characters == nil ? 0 : characterDimension,
            characterHiddenSize: characters == nil ? 0 : characterHidden, encoder: encoderConfiguration,
            tagCount: tagNames.count, dropout: dropout, wordDropout: wordDropout)
        let configuration = TaggerConfiguration(tokenize: tokenize, wordKey: wordKey, words: EncodeStage(vocabulary: vocabulary),
                                                characters: characters, network: network, tags: tagNames, scheme: target, crf: crf)
        let model = TaggerModel(configuration: configuration,
                                network: SequenceTagger(configuration: network, pretrainedTable: pretrained, generator: &generator),
                                crf: TaggerModel.makeCRF(configuration, generator: &generator))
        if let crf = model.crf {
            for (path, sentences) in [(trainPath, trainSentences), (devPath ?? trainPath, devSentences)] {
                for sentence in sentences where !crf.allows(tags(sentence).map { tagIndex[$0]! }) {
                    throw DataError(path: path, line: sentence.lineNumbers[0],
                                    "the sentence's tags are not a valid \(target.rawValue) sequence even after repair")
                }
            }
        }
        let trainExamples = trainSentences.map { model.example(tokens: $0.tokens, tags: tags($0).map { tagIndex[$0]! }) }
        let devExamples = devSentences.map { model.example(tokens: $0.tokens, tags: tags($0).map { tagIndex[$0]! }) }
        let parameterCount = model.parameters.filter { !$0.isFrozen }.reduce(0) { $0 + $1.value.count }
        progress.line("\(trainExamples.count) training and \(devExamples.count) dev sentences "
                      + "(\(trainExamples.reduce(0) { $0 + $1.words.count }) training tokens), \(tagNames.count) tags (\(target.rawValue)), "
                      + "vocabulary \(vocabulary.count), \(characters?.count ?? 0) characters, \(parameterCount) trainable parameters")

        return try run.train(model, train: trainExamples, dev: devExamples, data: files, settings: self,
                             resume: resume, progress: progress, stopAfterBatches: stopAfterBatches)
    }
}

/// The settings as the model's provenance records them, by option name (the run's own part is
/// recorded beside them, and the data files with their checksums).
extension TaggerTraining {
    enum CodingKeys: String, CodingKey {
        case devFraction = "dev-fraction", tokenColumn = "token-column", tagColumn = "tag-column"
        case dataScheme = "data-scheme", modelScheme = "model-scheme", tokenize, wordKey = "word-key"
        case minCount = "min-count", wordDimension = "word-dim", vectorsPath = "vectors", vectorsVocabulary = "vectors-vocab"
        case characterDimension = "char-dim", characterHidden = "char-hidden", encoder, dropout
        case wordDropout = "word-dropout", crf
    }
}
