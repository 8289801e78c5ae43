import ArgumentParser
import Foundation
import Pipeline

/// `nlp complete`: the most likely next words after a text.
struct CompleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complete",
        abstract: "Show the most likely next words after a text, with their probabilities.",
        discussion: """
            The language model reads <s> and the text's tokens and gives p(next token); </s> means \
            the sentence ends there. Without --model, the default English model \
            (models/\(defaultModelName)) is used.

            Example:
              $ nlp complete "We decided to go on a short trip this"
            """)

    static let defaultModelName = "lm-en.safetensors"

    @Argument(help: "The beginning of a sentence.")
    var text: String

    @Option(help: ArgumentHelp("Language model file (default: models/\(defaultModelName)).", valueName: "model"))
    var model: String?

    @Option(help: "How many next words to show.")
    var top = 10

    @Flag(help: "Print JSON: {\"text\", \"next\": [{\"token\", \"probability\"}]}.")
    var json = false

    @OptionGroup var runtime: RuntimeArguments

    func validate() throws {
        if top < 1 { throw ValidationError("--top must be at least 1") }
    }

    struct Completion: Encodable {
        struct Next: Encodable {
            let token: String
            let probability: Double
        }
        let text: String
        let next: [Next]
    }

    func run() throws {
        runtime.configure()
        let languageModel = try LanguageModel(contentsOf: model ?? DefaultModel.path(Self.defaultModelName))
        let next = languageModel.complete(text, top: top)
        if json {
            print(try CanonicalJSON.string(Completion(text: text, next: next.map {
                .init(token: $0.token, probability: ($0.probability * 1e6).rounded() / 1e6)
            })))
        } else {
            for (token, probability) in next { print(String(format: "%.4f", probability) + "\t" + token) }
        }
    }
}
