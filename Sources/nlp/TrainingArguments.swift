import ArgumentParser
import Pipeline

extension TrainingOptions.OptimizerKind: ExpressibleByArgument {}

/// Options of the training loop, shared by every `nlp train` task.
struct TrainingArguments: ParsableArguments {
    @Option(help: ArgumentHelp("Read options from a YAML recipe; options on the command line override it.", valueName: "file"))
    var config: String?

    @Option(help: "Passes over the training data at most.")
    var epochs = 10

    @Option(help: "Sequences per batch.")
    var batchSize = 32

    @Option(help: "sgd, adam or adamw.")
    var optimizer = TrainingOptions.OptimizerKind.adam

    @Option(name: .customLong("lr"), help: "Learning rate.")
    var learningRate = 1e-3

    @Option(help: "Momentum (sgd only).")
    var momentum = 0.9

    @Option(help: "Weight decay: L2 for sgd and adam, decoupled for adamw.")
    var weightDecay = 0.0

    @Option(help: "Clip gradients to this global L2 norm (0: no clipping).")
    var clip = 5.0

    @Option(help: "Stop after this many epochs without a better dev score.")
    var patience = 3

    @Option(help: "Multiply the learning rate by this after an epoch without improvement (1: never).")
    var lrDecay = 1.0

    @Option(help: "Seed of initialisation, shuffling and dropout; the same seed and threads give the same model file.")
    var seed: UInt64 = 1

    @OptionGroup var runtime: RuntimeArguments

    @Option(help: ArgumentHelp(
        "Draw ‖∂L/∂h‖ of the first recurrent layer by steps before the end of the sequences, a line per epoch, in "
            + "this SVG file (rewritten after every epoch), with each epoch's global gradient norms before clipping: "
            + "how far back the gradient reaches, and whether it explodes. Compare --cell rnn_tanh and lstm, --clip 0 "
            + "and the default.", valueName: "file.svg"))
    var gradientReport: String?

    @Option(help: "Minutes between checkpoints within an epoch (one is also written after every epoch).")
    var checkpointMinutes = 10.0

    @Option(help: .hidden)
    var checkpointEveryBatches: Int?

    @Flag(help: "Continue an interrupted run from MODEL.checkpoint (same command line otherwise).")
    var resume = false

    @Flag(name: [.short, .long], help: "Print nothing but errors.")
    var quiet = false

    var options: TrainingOptions {
        var options = TrainingOptions()
        options.epochs = epochs
        options.batchSize = batchSize
        options.optimizer = optimizer
        options.learningRate = learningRate
        options.momentum = momentum
        options.weightDecay = weightDecay
        options.clipNorm = clip > 0 ? clip : nil
        options.patience = patience
        options.learningRateDecay = lrDecay
        options.seed = seed
        options.threads = runtime.threads
        return options
    }

    /// Sets the loop's options, the recipe and the checkpoint timing of `run`.
    func configure(_ run: inout TrainingRun) {
        run.options = options
        run.recipe = config
        run.checkpointMinutes = checkpointMinutes
        run.checkpointEveryBatches = checkpointEveryBatches
        run.gradientReportPath = gradientReport
    }

    func validate() throws {
        if clip < 0 { throw ValidationError("--clip must be 0 (no clipping) or a positive number") }
        if let problem = options.problem { throw ValidationError(problem) }
        if !(checkpointMinutes > 0) { throw ValidationError("--checkpoint-minutes must be positive") }
        if let every = checkpointEveryBatches, every < 1 { throw ValidationError("--checkpoint-every-batches must be at least 1") }
    }

    var progress: TrainingProgress { TrainingProgress(style: quiet ? .quiet : nil) }
}
