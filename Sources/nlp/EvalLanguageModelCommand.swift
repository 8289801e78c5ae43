import ArgumentParser
import Foundation
import Pipeline

/// `nlp eval lm`: perplexity of a language model on a text file.
struct EvalLanguageModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lm",
        abstract: "Perplexity of a language model on a text file (one sentence a line) and its speed.",
        discussion: """
            Perplexity is exp of the mean negative log-probability of each predicted token (every \
            word, and the end of each line); a model that gave every token 1/V would score V. A \
            subword model's tokens are pieces: it is also scored per word (the same log-probability \
            over the number of words), which compares it with a word model. A stream model (trained \
            with --stream) reads the file as a stream, each line with the lines before it as context.
            """)

    @Option(help: ArgumentHelp("Language model file (default: models/\(CompleteCommand.defaultModelName)).", valueName: "model"))
    var model: String?

    @Argument(help: "Text file, one sentence a line; blank lines are skipped.")
    var file: String

    @Flag(help: "Print JSON: perplexity, tokens, unknown tokens, tokens per second.")
    var json = false

    @OptionGroup var runtime: RuntimeArguments

    struct Report: Encodable {
        let perplexity: Double
        let perplexityPerWord: Double
        let tokens: Int
        let words: Int
        let unknown: Int
        let tokensPerSecond: Double
    }

    func run() throws {
        runtime.configure()
        let languageModel = try LanguageModel(contentsOf: model ?? DefaultModel.path(CompleteCommand.defaultModelName))
        let lines = try LanguageModelTraining.lines(of: file)
        let start = ContinuousClock.now
        let perplexity = languageModel.perplexity(of: lines)
        let seconds = (ContinuousClock.now - start).inSeconds
        let report = Report(perplexity: (perplexity.value * 100).rounded() / 100,
                            perplexityPerWord: (perplexity.perWord * 100).rounded() / 100,
                            tokens: perplexity.tokens, words: perplexity.words, unknown: perplexity.unknownTokens,
                            tokensPerSecond: (Double(perplexity.tokens) / max(seconds, 1e-9)).rounded())
        if json {
            print(try CanonicalJSON.string(report))
        } else {
            let subword = languageModel.configuration.subword != nil
            print("perplexity \(String(format: "%.2f", perplexity.value)) over \(perplexity.tokens) \(subword ? "pieces" : "tokens") "
                  + "(\(perplexity.unknownTokens) of them <unk>)"
                  + (subword ? String(format: ", %.2f per word over %d words", perplexity.perWord, perplexity.words) : "")
                  + ", \(Int(report.tokensPerSecond)) tokens/s")
        }
    }
}
