import ArgumentParser
import Pipeline
import Seq2Seq
import Tensor

extension LabeledTextFormat: ExpressibleByArgument {}
extension CellKind: ExpressibleByArgument {}
extension Pooling: ExpressibleByArgument {}
extension DirectionMerge: ExpressibleByArgument {}
extension TokenizeStage.Method: ExpressibleByArgument {}
extension SentimentTreeLabels: ExpressibleByArgument {}

/// `nlp train sentiment`: a sentence classifier from labelled lines.
struct TrainSentimentCommand: TrainTaskCommand {
    static let configuration = CommandConfiguration(
        commandName: "sentiment",
        abstract: "Train a sentence classifier (sentiment or any labels).",
        discussion: """
            Input lines are 'LABEL text' (the SST and CR files), 'text<TAB>label', or sentiment \
            trees, one a line ('(3 (2 It) (4 (4 works) (2 .)))', the Stanford Sentiment Treebank's \
            format); the format is detected from the first line unless --format is given. From a \
            tree file, training reads every labelled phrase (--no-phrases: the sentences only) and \
            dev the sentences; --tree-labels binary drops neutral (2) and maps 0-1 to 0 and 3-4 to \
            1, fine keeps the five labels. Blank lines are skipped; a line without label or text, \
            or a malformed tree, stops training with its file, line (and column).

            The network: embedding (learned, one-hot, or pretrained vectors with --vectors), a \
            (bi)directional recurrent encoder, pooling over time (max, mean, both, or the last state), \
            dropout and a linear layer with softmax.

            Example (the default English model):
              $ nlp train sentiment --train sst2/stsa.binary.train --dev sst2/stsa.binary.dev \\
                  --vectors glove.6B.50d.txt.gz --vectors-vocab 50000 --pooling mean --word-dropout 0.1 \\
                  --adversarial 1 --label-names 0=negative,1=positive --save-dtype f16 -o sentiment.safetensors
            """)

    @OptionGroup var files: TrainingFileArguments

    @Option(help: ArgumentHelp(
        "Start from this trained classifier: its tokenizer, vocabulary, labels and weights (e.g. fine-tune a "
            + "phrase-trained model on sentences with --no-phrases and a lower --lr). The options that shape the "
            + "network must describe it; --vectors and the vocabulary options are not used.", valueName: "model"))
    var initFrom: String?

    @Option(help: "Line format: label-first ('LABEL text'), tsv ('text<TAB>label') or sst-trees; detected when omitted.")
    var format: LabeledTextFormat?

    @Option(help: "Classes of a tree file: binary (negative 0-1, positive 3-4; neutral dropped) or fine (0-4).")
    var treeLabels = SentimentTreeLabels.binary

    @Flag(inversion: .prefixedNo, help: "Train on every labelled phrase of a tree file (not only its sentences).")
    var phrases = true

    @Option(help: "Input embedding: learned or one-hot (see also --vectors).")
    var embedding = EmbeddingKind.learned

    @Option(help: "Width of a learned embedding.")
    var embeddingDim = 100

    @Flag(help: "Keep the embedding fixed during training.")
    var freezeEmbedding = false

    @OptionGroup var encoder: EncoderArguments<Self>

    @Flag(inversion: .prefixedNo, help: "Read each sentence in both directions.")
    var bidirectional = true

    @Option(help: "How the two directions combine: concat or sum.")
    var merge = DirectionMerge.concat

    @Option(help: "Pooling over time: max, mean, max-mean (both, side by side) or last.")
    var pooling = Pooling.max

    @Option(help: "Dropout on the embeddings and before the output layer.")
    var dropout = 0.5

    @Option(help: "Share of training tokens read as <unk> (word dropout), so unseen words are handled.")
    var wordDropout = 0.0

    @Option(help: ArgumentHelp("Adversarial training: also train on the token vectors moved by ε (L2 norm per sentence) in the direction that raises the loss most; 0 is off.", valueName: "ε"))
    var adversarial = 0.0

    @Option(help: "Keep tokens seen at least this often in training.")
    var minCount = 1

    @Option(help: "Keep at most this many vocabulary entries (4 special ones included).")
    var maxVocab: Int?

    @Option(help: ArgumentHelp("Names to show for labels, e.g. 0=negative,1=positive.", valueName: "list"))
    var labelNames: String?

    @Option(help: "ICU locale for tokenizing and lowercasing.")
    var locale = "en"

    @Option(help: "Tokenizer: icu (word rules) or whitespace (for pre-tokenized text).")
    var tokenizer = TokenizeStage.Method.icu

    @Flag(inversion: .prefixedNo, help: "Split English clitics off as the Penn Treebank does (don't → do n't); default: on for English locales.")
    var splitContractions: Bool?

    @Flag(help: "Keep case (by default text is lowercased).")
    var keepCase = false

    @OptionGroup var training: TrainingArguments

    enum EmbeddingKind: String, ExpressibleByArgument, CaseIterable { case learned, oneHot = "one-hot" }

    /// Combinations of options; the ranges of their values are the training settings' `problem`.
    func validate() throws {
        if files.vectors != nil && embedding == .oneHot { throw ValidationError("--vectors and --embedding one-hot exclude each other") }
        try validateSettings()
    }

    func parsedLabelNames() throws -> [String: String] {
        guard let labelNames else { return [:] }
        var names: [String: String] = [:]
        for pair in labelNames.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--label-names takes LABEL=NAME pairs separated by commas, e.g. 0=negative,1=positive; got '\(pair)'")
            }
            names[parts[0]] = parts[1]
        }
        return names
    }

    func makeTraining() throws -> TextClassifierTraining {
        var settings = TextClassifierTraining(trainPath: files.train, devPath: files.dev, outputPath: files.output)
        settings.devFraction = files.devFraction
        settings.format = format
        settings.treeLabels = treeLabels
        settings.phrases = phrases
        settings.tokenize = TokenizeStage(method: tokenizer, normalize: NormalizeStage(
            form: .nfc, caseMapping: keepCase ? .none : .lowercase, locale: locale),
            splitContractions: splitContractions ?? locale.lowercased().hasPrefix("en"))
        settings.minCount = minCount
        settings.maxVocabulary = maxVocab
        if let vectors = files.vectors {
            settings.embedding = .pretrained(path: vectors)
        } else {
            settings.embedding = embedding == .oneHot ? .oneHot : .learned(dimension: embeddingDim)
        }
        settings.freezeEmbedding = freezeEmbedding
        settings.vectorsVocabulary = files.vectorsVocab
        settings.encoder = encoder.configuration(inputSize: embeddingDim, bidirectional: bidirectional, merge: merge)
        settings.pooling = pooling
        settings.dropout = dropout
        settings.wordDropout = wordDropout
        settings.adversarialEpsilon = adversarial
        settings.labelNames = try parsedLabelNames()
        settings.initialModelPath = initFrom
        training.configure(&settings.run)
        settings.run.saveDType = files.dtype
        return settings
    }
}

extension TrainSentimentCommand: EncoderDefaults {
    static let cell = CellKind.lstm
    static let hidden = 128
}
