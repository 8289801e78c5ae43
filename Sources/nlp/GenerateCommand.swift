import ArgumentParser
import Foundation
import Pipeline
import Tokenize

/// `nlp generate`: sampled continuations of a prompt.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Continue a prompt with words sampled from a language model.",
        discussion: """
            Each next word is drawn from the model's distribution after the prompt and the words \
            drawn so far, reshaped by --temperature (below 1: safer, above: wilder, 0: always the \
            most likely), then cut to the --top-k most likely and to the smallest set holding \
            --top-p of the probability. Generation stops at the end of the sentence or after \
            --max-words. The same --seed gives the same text.

            Example:
              $ nlp generate --prompt "the weather" --samples 3 --temperature 0.8 --top-p 0.9 --seed 1
            """)

    @Option(help: ArgumentHelp("Language model file (default: models/\(CompleteCommand.defaultModelName)).", valueName: "model"))
    var model: String?

    @Option(help: "The beginning of the text (may be empty: a sentence from the start).")
    var prompt = ""

    @Option(help: "Words to add at most.")
    var maxWords = 30

    @Option(help: "Sharpen (< 1) or flatten (> 1) the distribution; 0 is greedy.")
    var temperature = 1.0

    @Option(help: "Draw only from the k most likely words.")
    var topK: Int?

    @Option(help: "Draw only from the most likely words that together hold this much probability (nucleus sampling).")
    var topP: Double?

    @Option(help: "Continuations to write, one a line.")
    var samples = 1

    @Option(help: "Seed of the draws.")
    var seed: UInt64 = 1

    @OptionGroup var runtime: RuntimeArguments

    var sampler: TokenSampler { TokenSampler(temperature: temperature, topK: topK, topP: topP, seed: seed) }

    func validate() throws {
        if let problem = sampler.problem { throw ValidationError(problem) }
        if maxWords < 1 { throw ValidationError("--max-words must be at least 1") }
        if samples < 1 { throw ValidationError("--samples must be at least 1") }
    }

    func run() throws {
        runtime.configure()
        let languageModel = try LanguageModel(contentsOf: model ?? DefaultModel.path(CompleteCommand.defaultModelName))
        let promptTokens = languageModel.configuration.tokens(of: prompt)
        var sampler = self.sampler
        for _ in 0..<samples {
            let words = languageModel.generate(after: prompt, maximumTokens: maxWords, sampler: &sampler)
            print(languageModel.text(of: promptTokens + words))
        }
    }
}
