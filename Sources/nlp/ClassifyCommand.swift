import ArgumentParser
import Foundation
import Pipeline
import Tensor
import Tokenize

/// `nlp classify`: one label per input line.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify each line of text (sentiment by default).",
        discussion: """
            Reads the FILEs (standard input when none) and writes one line per input line, in \
            input order: label<TAB>probability<TAB>text, or with --json one JSON object per line \
            with label, probability, probabilities (of every label) and text. Input is processed \
            in chunks, so files of any size stream in bounded memory.

            Without --model the English sentiment model models/sentiment-en.safetensors is used.

            Example:
              $ echo "a gorgeous, witty, seductive movie." | nlp classify
              positive	0.9996	a gorgeous, witty, seductive movie.
            """)

    @Option(help: ArgumentHelp("The model file (default: models/sentiment-en.safetensors); give several to classify with their ensemble (mean probabilities).", valueName: "model"))
    var model: [String] = []

    @Flag(help: "One JSON object per line.")
    var json = false

    @Option(help: "Threads for the network.")
    var threads = 2

    @Argument(help: ArgumentHelp("UTF-8 text files, one text per line.", valueName: "file"))
    var files: [String] = []

    static let defaultModelName = "sentiment-en.safetensors"
    static let chunkLines = 4096

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        NumericRuntime.configure(threads: threads)
        let classifier = try SentimentModel.load(model.isEmpty ? [DefaultModel.path(Self.defaultModelName)] : model)
        let output = FileHandle.standardOutput
        try TextLineChunks.forEach(files: files, size: Self.chunkLines) { lines in
            var text = ""
            for (line, result) in zip(lines, classifier.classify(lines)) {
                text += json ? try Self.jsonLine(result, text: line) : "\(result.label)\t\(String(format: "%.4f", result.probability))\t\(line)"
                text += "\n"
            }
            output.write(Data(text.utf8))
        }
    }

    static func jsonLine(_ result: Classification, text: String) throws -> String {
        struct Line: Encodable {
            var label: String
            var probability: Double
            var probabilities: [String: Double]
            var text: String
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let rounded = { (x: Double) in (x * 1e6).rounded() / 1e6 }
        let line = Line(label: result.label, probability: rounded(result.probability),
                        probabilities: result.probabilities.mapValues(rounded), text: text)
        return String(decoding: try encoder.encode(line), as: UTF8.self)
    }
}
