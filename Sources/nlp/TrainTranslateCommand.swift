import ArgumentParser
import Pipeline
import Seq2Seq
import Tensor

extension AttentionScore: ExpressibleByArgument {}
extension ParallelCorpusOptions.ProblemPolicy: ExpressibleByArgument {}

/// `nlp train translate`: an attention encoder-decoder from a parallel corpus.
struct TrainTranslateCommand: TrainTaskCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Train a translation model (attention encoder-decoder) on parallel corpora.",
        discussion: """
            A corpus is two line-aligned files (--src, --tgt), or one TAB-separated file (--tsv, \
            e.g. the Tatoeba/Anki files; --src-column and --tgt-column pick the columns). Several \
            corpora are given with --corpus, each FILE.tsv or SOURCE,TARGET, with @WEIGHT after it \
            for how much of it an epoch draws (2: twice; 0.5: a different half each epoch); \
            --dev-corpus likewise (dev corpora are scored as one). Pairs with an empty side or more \
            than --max-words words stop training with their file and line, or are skipped with \
            --on-bad-pair skip. Then both sides are normalised (NFC, whitespace), and pairs whose \
            sides are identical, whose word counts are further apart than --max-length-ratio, or \
            that repeat an earlier pair are dropped; a line per corpus says what was kept and \
            dropped. A joint byte-pair encoding (--merges) is learned on both sides of the training \
            data (each pair once). Dev BLEU (greedy decoding, sacreBLEU's defaults) is \
            measured after each epoch; the best model is kept and training stops after --patience \
            epochs without a better one. The training options default as for every task \
            (--epochs 10, --batch-size 32). --config reads the options from a YAML recipe \
            (docs/translation.md); the command line overrides it.

            Examples (the shipped model's command; the general-domain recipe):
              $ nlp train translate --src multi30k/raw/train.en --tgt multi30k/raw/train.de \\
                  --dev-src multi30k/raw/val.en --dev-tgt multi30k/raw/val.de -o translate-en-de.safetensors
              $ nlp train translate --config recipes/translate-en-de.yaml -o translate-en-de.safetensors
            """)

    @OptionGroup(title: "Training corpus") var trainCorpus: ParallelCorpusArguments

    @Option(help: ArgumentHelp("A training corpus, FILE.tsv or SOURCE,TARGET, optionally @WEIGHT (repeatable).",
                               valueName: "corpus"))
    var corpus: [CorpusArgument] = []

    @Option(help: ArgumentHelp("A dev corpus, FILE.tsv or SOURCE,TARGET (repeatable; scored as one).", valueName: "corpus"))
    var devCorpus: [CorpusArgument] = []

    @Option(help: ArgumentHelp("Dev source sentences.", valueName: "file"))
    var devSrc: String?

    @Option(help: ArgumentHelp("Dev target sentences.", valueName: "file"))
    var devTgt: String?

    @Option(help: ArgumentHelp("Dev pairs as one TAB-separated file.", valueName: "file"))
    var devTsv: String?

    @Option(help: "Without dev files, hold out this fraction of the training pairs as dev.")
    var devFraction = 0.05

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Where to write the model.", valueName: "model"))
    var output: String

    @Option(help: "A pair with a side longer than this many words is a bad pair (0: no limit).")
    var maxWords = 100

    @Option(help: "Drop a pair whose sides' (words + 1) differ by more than this factor (0: no limit).")
    var maxLengthRatio = 3.0

    @Option(help: "What to do with a bad pair: fail or skip.")
    var onBadPair = ParallelCorpusOptions.ProblemPolicy.fail

    @Option(help: "Merges of the joint byte-pair encoding (0: characters only).")
    var merges = 8000

    @Option(help: "Keep subword pieces seen at least this often in training.")
    var minCount = 1

    @Option(help: "Width of the source and target embeddings.")
    var embeddingDim = 256

    @OptionGroup(title: "Encoder (its cell is also the decoder's)") var encoder: EncoderArguments<Self>

    @Flag(inversion: .prefixedNo, help: "Read the source in both directions.")
    var bidirectional = true

    @Option(help: "Decoder hidden units.")
    var decoderHidden = 512

    @Option(help: "Attention score: additive (Bahdanau), dot or general (Luong).")
    var attention = AttentionScore.additive

    @Option(help: "Width of additive attention's hidden layer.")
    var attentionSize = 512

    @Option(help: "Dropout on embeddings and decoder outputs.")
    var dropout = 0.3

    @Option(help: "Label smoothing of the training loss.")
    var labelSmoothing = 0.1

    @Flag(inversion: .prefixedNo, help: "The output layer reuses the target embedding (through a projection to its width).")
    var tieEmbeddings = false

    @Flag(help: "Also write the model after every epoch, as MODEL.epochN.safetensors (for nlp average).")
    var saveEveryEpoch = false

    @Option(help: "Weights in the model file: f32, or f16 (half the size).")
    var saveDtype = TrainingFileArguments.SaveDType.f32

    @OptionGroup var training: TrainingArguments

    func validate() throws {
        if trainCorpus.files == nil && corpus.isEmpty {
            throw ValidationError("give the training corpus: --src FILE --tgt FILE, --tsv FILE, or --corpus SPEC")
        }
        if devTsv != nil && (devSrc != nil || devTgt != nil) { throw ValidationError("give --dev-src and --dev-tgt, or --dev-tsv, not both") }
        if (devSrc == nil) != (devTgt == nil) { throw ValidationError("--dev-src and --dev-tgt go together") }
        if devCorpus.contains(where: { $0.weight != 1 }) { throw ValidationError("--dev-corpus takes no @WEIGHT: dev sets are scored whole") }
        if maxWords < 0 { throw ValidationError("--max-words must be 0 (no limit) or more") }
        try validateSettings()
    }

    /// The ranges of the values are the training's `problem`.
    func makeTraining() -> TranslationTraining {
        let (srcColumn, tgtColumn) = (trainCorpus.srcColumn, trainCorpus.tgtColumn)
        var train = trainCorpus.files.map { [TranslationTraining.WeightedCorpus($0)] } ?? []
        train += corpus.map { .init($0.files(sourceColumn: srcColumn, targetColumn: tgtColumn), weight: $0.weight) }
        var dev = ParallelCorpusArguments.files(tsv: devTsv, src: devSrc, tgt: devTgt, columns: (srcColumn, tgtColumn))
            .map { [$0] } ?? []
        dev += devCorpus.map { $0.files(sourceColumn: srcColumn, targetColumn: tgtColumn) }
        var settings = TranslationTraining(train: train, dev: dev, outputPath: output)
        settings.maximumLengthRatio = maxLengthRatio == 0 ? nil : maxLengthRatio
        settings.saveEveryEpoch = saveEveryEpoch
        settings.devFraction = devFraction
        settings.corpus = ParallelCorpusOptions(maximumWords: maxWords == 0 ? nil : maxWords, policy: onBadPair)
        settings.merges = merges
        settings.minCount = minCount
        settings.embeddingDimension = embeddingDim
        settings.encoder = encoder.configuration(inputSize: embeddingDim, bidirectional: bidirectional)
        settings.decoderHiddenSize = decoderHidden
        settings.attention = attention
        settings.attentionSize = attentionSize
        settings.dropout = dropout
        settings.labelSmoothing = labelSmoothing
        settings.tieEmbeddings = tieEmbeddings
        training.configure(&settings.run)
        settings.run.saveDType = saveDtype == .f16 ? .f16 : .f32
        return settings
    }
}

extension TrainTranslateCommand: EncoderDefaults {
    static let cell = CellKind.gru
    static let hidden = 256
}
