import ArgumentParser

/// `nlp train`: groups the training subcommands, one per task.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model for a task and write it to one model file.",
        discussion: """
            Training shows a progress bar on a terminal (plain lines every 30 s otherwise; -q for \
            none), evaluates on the dev set after every epoch, keeps the best model in the output \
            file (written atomically: a crash never leaves half a model), stops early when the dev \
            score stops improving, and writes a checkpoint beside the output every few minutes and \
            after every epoch. After an interruption (even kill -9), run the same command with \
            --resume: it continues where the checkpoint left off and ends with the same model file \
            as an uninterrupted run.
            """,
        subcommands: [TrainSentimentCommand.self, TrainTaggerCommand.self, TrainTranslateCommand.self, TrainLanguageModelCommand.self]
    )
}
