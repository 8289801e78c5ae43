import ArgumentParser

@main
struct NLP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nlp",
        abstract: "Tokenize, train and run recurrent sequence models.",
        subcommands: [
            TokenizeCommand.self,
            VocabCommand.self,
            TrainCommand.self,
            ClassifyCommand.self,
            TranslateCommand.self,
            TagCommand.self,
            EvalCommand.self,
            BenchCommand.self,
            BenchTokenizeCommand.self,
            BenchTagCommand.self,
        ]
    )
}
