import ArgumentParser
import FileIO
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
            with label, probability, probabilities (of every label) and text. A blank line (only \
            white space) has no text to classify: it gives an empty line (JSON: label and \
            probability null, probabilities empty). Input is processed in chunks, so files of any size stream in \
            bounded memory.

            Without --model the English sentiment model models/sentiment-en.safetensors is used.

            Example:
              $ echo "a gorgeous, witty, seductive movie." | nlp classify
              positive	0.9994	a gorgeous, witty, seductive movie.
            """)

    @Option(help: ArgumentHelp("The model file (default: models/sentiment-en.safetensors); give several to classify with their ensemble (mean probabilities).", valueName: "model"))
    var model: [String] = []

    @Flag(help: "One JSON object per line.")
    var json = false

    @OptionGroup var runtime: RuntimeArguments

    @Argument(help: ArgumentHelp("UTF-8 text files, one text per line (standard input when none, or for -).", valueName: "file"))
    var files: [String] = []

    static let defaultModelName = "sentiment-en.safetensors"
    static let chunkLines = 4096

    func run() throws {
        runtime.configure()
        let classifier = try TextClassifier.load(model.isEmpty ? [DefaultModel.path(Self.defaultModelName)] : model)
        let output = BufferedWriter(standardOutputWithThreshold: 1 << 16)
        try TextLineChunks.forEach(files: files, size: Self.chunkLines) { lines in
            let blank = lines.map { $0.allSatisfy(\.isWhitespace) }
            var results = classifier.classify(lines.indices.filter { !blank[$0] }.map { lines[$0] }).makeIterator()
            var text = ""
            for (line, isBlank) in zip(lines, blank) {
                let result = isBlank ? nil : results.next()
                if json {
                    text += try Self.jsonLine(result, text: line)
                } else if let result {
                    text += "\(result.label)\t\(String(format: "%.4f", result.probability))\t\(line)"
                }
                text += "\n"
            }
            output.append(text)
            try output.flush()
        }
    }

    /// One JSON object; label and probability null (and no probabilities) for a blank line.
    static func jsonLine(_ result: Classification?, text: String) throws -> String {
        struct Line: Encodable {
            var label: String?
            var probability: Double?
            var probabilities: [String: Double]
            var text: String

            func encode(to encoder: any Encoder) throws {   // nil as null, not left out
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(label, forKey: .label)
                try container.encode(probability, forKey: .probability)
                try container.encode(probabilities, forKey: .probabilities)
                try container.encode(text, forKey: .text)
            }
            enum CodingKeys: String, CodingKey { case label, probability, probabilities, text }
        }
        let rounded = { (x: Double) in (x * 1e6).rounded() / 1e6 }
        let line = Line(label: result?.label, probability: result.map { rounded($0.probability) },
                        probabilities: result?.probabilities.mapValues(rounded) ?? [:], text: text)
        return try CanonicalJSON.string(line)
    }
}
