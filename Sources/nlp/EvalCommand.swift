import ArgumentParser

/// `nlp eval`: groups the evaluation subcommands, one per task.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score a model on labelled data.",
        subcommands: [EvalSentimentCommand.self, EvalTaggerCommand.self, EvalTranslateCommand.self, EvalLanguageModelCommand.self]
    )
}
