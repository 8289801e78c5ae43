import ArgumentParser
import Pipeline
import Seq2Seq
import Tensor

extension TagScheme: ExpressibleByArgument {}

/// `nlp train tagger`: a named-entity tagger from CoNLL files.
struct TrainTaggerCommand: TrainTaskCommand {
    static let configuration = CommandConfiguration(
        commandName: "tagger",
        abstract: "Train a named-entity tagger (BiLSTM-CRF with character features) on CoNLL files.",
        discussion: """
            Input: one token per line with its tag in the last column (--tag-column to choose), a \
            blank line between sentences, -DOCSTART- lines skipped: the CoNLL-2003 and WNUT-17 files. \
            Tags in IOB1, IOB2 or BIOES (detected unless --scheme is given); --model-scheme bioes \
            trains on BIOES tags converted from the data.

            The network: word embedding (learned, or --vectors) and a character BiLSTM per token, a \
            bidirectional recurrent encoder, a linear layer, and a CRF whose transitions forbid \
            sequences the scheme does not allow (or --no-crf: a softmax per token). The dev score is \
            entity-level F1 (seqeval/conlleval).

            Example:
              $ nlp train tagger --train conll2003/train.txt --dev conll2003/valid.txt -o ner.safetensors
            """)

    @OptionGroup var files: TrainingFileArguments

    @Option(help: "Column of the tokens (0-based).")
    var tokenColumn = 0

    @Option(help: "Column of the tags (0-based; default: the last).")
    var tagColumn: Int?

    @Option(help: "Tag scheme of the data: iob1, iob2 or bioes (detected when omitted).")
    var scheme: TagScheme?

    @Option(help: "Tag scheme the model predicts in (default: the data's).")
    var modelScheme: TagScheme?

    @Option(help: "Width of the learned word embedding.")
    var wordDim = 100

    @Option(help: "Width of the character embedding.")
    var charDim = 25

    @Option(help: "Hidden units per direction of the character BiLSTM (0: no character features).")
    var charHidden = 25

    @OptionGroup var encoder: EncoderArguments<Self>

    @Option(help: "Dropout on the token inputs and the encoder output.")
    var dropout = 0.5

    @Option(help: "Share of training words read as <unk> (word dropout; their characters are still read).")
    var wordDropout = 0.0

    @Flag(inversion: .prefixedNo, help: "Decode with a CRF (otherwise a softmax per token).")
    var crf = true

    @Flag(help: "Keep case and digits in word lookups (by default words are lowercased and digits read as 0; characters always keep them).")
    var keepWordCase = false

    @Option(help: "Keep words seen at least this often in training.")
    var minCount = 1

    @Option(help: "ICU locale for tokenizing raw text at tagging time.")
    var locale = "en"

    @OptionGroup var training: TrainingArguments

    /// The ranges of the options' values are the training settings' `problem`.
    func validate() throws {
        try validateSettings()
    }

    func makeTraining() -> TaggerTraining {
        var settings = TaggerTraining(trainPath: files.train, devPath: files.dev, outputPath: files.output)
        settings.devFraction = files.devFraction
        settings.tokenColumn = tokenColumn
        settings.tagColumn = tagColumn.map { .index($0) } ?? .last
        settings.dataScheme = scheme
        settings.modelScheme = modelScheme
        settings.tokenize = TokenizeStage(normalize: NormalizeStage(form: .nfc, locale: locale),
                                          splitContractions: locale.lowercased().hasPrefix("en"))
        settings.wordKey = keepWordCase ? WordKey(lowercase: false, digitsToZero: false) : WordKey()
        settings.minCount = minCount
        settings.wordDimension = wordDim
        settings.vectorsPath = files.vectors
        settings.vectorsVocabulary = files.vectorsVocab
        settings.characterDimension = charDim
        settings.characterHidden = charHidden
        settings.encoder = encoder.configuration(inputSize: 0, bidirectional: true)
        settings.dropout = dropout
        settings.wordDropout = wordDropout
        settings.crf = crf
        training.configure(&settings.run)
        settings.run.saveDType = files.dtype
        return settings
    }
}

extension TrainTaggerCommand: EncoderDefaults {
    static let cell = CellKind.lstm
    static let hidden = 200
}
