import ArgumentParser
import Pipeline
import Seq2Seq
import Tensor

/// `nlp train lm`: a language model of plain text, one sentence a line.
struct TrainLanguageModelCommand: TrainTaskCommand {
    static let configuration = CommandConfiguration(
        commandName: "lm",
        abstract: "Train a language model (next-word prediction) on plain text.",
        discussion: """
            Each non-blank line is one sequence, <s> w1 … wn </s>; the model learns p(w_t | w_<t). \
            With --stream N, consecutive lines are read as one stream instead, in blocks of up to N \
            tokens, so that each line is predicted with the lines before it as context. With --bpe N \
            the tokens are subword pieces (N merges learned on the training text) rather than words, \
            so no word is out of the vocabulary. Sequences longer than --bptt tokens are trained by \
            truncated backpropagation through time: windows of --bptt steps, the state carried from \
            one to the next, the gradient stopped between them. Early stopping and model selection \
            watch dev perplexity. The network: embedding, a stack of recurrent layers (--cell, \
            --layers, --hidden), dropout, and an output layer that shares the embedding's weights \
            (--tied, on by default; it needs --hidden equal to --embedding-dim).

            Example:
              $ nlp train lm --train english.txt --dev english.dev.txt -o lm.safetensors
              $ nlp complete --model lm.safetensors "We decided to go on a short trip this"
            """)

    @OptionGroup var files: TrainingFileArguments

    @Option(help: "Width of the token vectors.")
    var embeddingDim = 256

    @OptionGroup var encoder: EncoderArguments<Self>

    @Option(help: "Dropout on the token vectors and on the encoder's outputs.")
    var dropout = 0.3

    @Flag(inversion: .prefixedNo, help: "Tie the output layer's weights to the embedding (needs --hidden equal to --embedding-dim).")
    var tied = true

    @Option(help: "Steps of a window of truncated backpropagation through time.")
    var bptt = 35

    @Option(help: "Learn this many byte-pair-encoding merges on the training text and model subword pieces (0: words).")
    var bpe = 0

    @Option(help: ArgumentHelp(
        "Read consecutive lines as one stream, in blocks of up to this many tokens cut at line ends, the state "
            + "carried across the lines of a block (and across --bptt windows); without it each line starts from "
            + "a zero state. Each block is one sequence of a batch: lower --batch-size to match.", valueName: "tokens"))
    var stream: Int?

    @Option(help: ArgumentHelp(
        "Multiply the initial recurrent weights W_hh by this. Above 1 a vanilla RNN's gradient explodes: see "
            + "--gradient-report with and without --clip.", valueName: "factor"))
    var recurrentScale = 1.0

    @Option(help: "Keep tokens seen at least this often in training.")
    var minCount = 2

    @Option(help: "Keep at most this many vocabulary entries (4 special ones included).")
    var maxVocab = 20_000

    @Option(help: "ICU locale for tokenizing and lowercasing.")
    var locale = "en"

    @Flag(help: "Keep case (by default text is lowercased).")
    var keepCase = false

    @OptionGroup var training: TrainingArguments

    func validate() throws {
        if files.vectors != nil { throw ValidationError("--vectors is not used by a language model (its embedding is learned)") }
        try validateSettings()
    }

    func makeTraining() throws -> LanguageModelTraining {
        var settings = LanguageModelTraining(trainPath: files.train, devPath: files.dev, outputPath: files.output)
        settings.devFraction = files.devFraction
        settings.tokenize = TokenizeStage(normalize: NormalizeStage(form: .nfc, caseMapping: keepCase ? .none : .lowercase, locale: locale),
                                          splitContractions: locale.lowercased().hasPrefix("en"))
        settings.minCount = minCount
        settings.maxVocabulary = maxVocab
        settings.embeddingDimension = embeddingDim
        settings.encoder = encoder.configuration(inputSize: embeddingDim, bidirectional: false)
        settings.dropout = dropout
        settings.tied = tied
        settings.window = bptt
        settings.merges = bpe
        settings.streamBlock = stream
        settings.recurrentScale = recurrentScale
        training.configure(&settings.run)
        settings.run.saveDType = files.dtype
        return settings
    }
}

extension TrainLanguageModelCommand: EncoderDefaults {
    static let cell = CellKind.lstm
    static let hidden = 256
}
