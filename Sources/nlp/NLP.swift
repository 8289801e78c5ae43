import ArgumentParser
import Foundation
import Pipeline
import Recipes

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
            SplitCorpusCommand.self,
            AverageCommand.self,
            QuantizeCommand.self,
            TagCommand.self,
            ServeCommand.self,
            GradientsCommand.self,
            CompleteCommand.self,
            GenerateCommand.self,
            EvalCommand.self,
            BenchCommand.self,
            BenchTokenizeCommand.self,
            BenchTagCommand.self,
        ]
    )

    /// As ArgumentParser's, but `nlp train TASK --config recipe.yaml ...` first puts the recipe's
    /// options before the command line's (see `Recipe`), and an error about one of them names
    /// the recipe's file and line.
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var recipe: Recipe?
        if arguments.first == "train", arguments.count > 2, let path = recipePath(in: arguments) {
            do {
                var loaded = try Recipe(path: path)
                arguments = Array(arguments.prefix(2)) + loaded.expand(before: Array(arguments.dropFirst(2)))
                recipe = loaded
            } catch {
                printError("Error: \(error)")
                Foundation.exit(ExitCode.validationFailure.rawValue)
            }
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            if let recipe, exitCode(for: error) != .success {
                let message = fullMessage(for: error)
                // The first line says what is wrong; the usage lines after it name every option.
                if let line = recipe.line(mentionedIn: String(message.prefix { $0 != "\n" })) {
                    let text = message.hasPrefix("Error: ") ? message.dropFirst("Error: ".count) : Substring(message)
                    printError("Error: \(recipe.path):\(line): " + text)
                    Foundation.exit(exitCode(for: error).rawValue)
                }
            }
            exit(withError: error)
        }
    }

    /// The value of `--config` (`--config FILE` or `--config=FILE`), the last one given.
    private static func recipePath(in arguments: [String]) -> String? {
        var path: String?
        for (index, word) in arguments.enumerated() {
            if word == "--config", index + 1 < arguments.count { path = arguments[index + 1] }
            if word.hasPrefix("--config=") { path = String(word.dropFirst("--config=".count)) }
            if word == "--" { break }
        }
        return path
    }
}
