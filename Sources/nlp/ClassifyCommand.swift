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

            --explain FILE.svg shows what the model reads: for every line, each token's \
            contribution to the predicted label, the drop in its probability when the token is read \
            as unknown (occlusion; a sentence of T tokens costs T + 1 passes, batched). The picture \
            has a row per line, tokens blue where they speak for the label and red where against; \
            with --json each object also has "explain", a list of {token, contribution}.

            Example:
              $ echo "a gorgeous, witty, seductive movie." | nlp classify
              positive	0.9996	a gorgeous, witty, seductive movie.
            """)

    @Option(help: ArgumentHelp("The model file (default: models/sentiment-en.safetensors); give several to classify with their ensemble (mean probabilities).", valueName: "model"))
    var model: [String] = []

    @Flag(help: "One JSON object per line.")
    var json = false

    @Option(help: ArgumentHelp("Draw each token's contribution to the label (occlusion) of every line as an SVG picture in this file.", valueName: "file.svg"))
    var explain: String?

    @OptionGroup var runtime: RuntimeArguments
    @OptionGroup var precision: PrecisionArgument

    @Argument(help: ArgumentHelp("UTF-8 text files, one text per line (standard input when none, or for -).", valueName: "file"))
    var files: [String] = []

    static let defaultModelName = "sentiment-en.safetensors"
    static let chunkLines = 4096

    func run() throws {
        runtime.configure(precision: precision)
        if let explain { try OutputFile.checkWritable(explain, what: "the explanation picture") }
        let classifier = try TextClassifier.load(model.isEmpty ? [DefaultModel.path(Self.defaultModelName)] : model)
        let output = BufferedWriter(standardOutputWithThreshold: 1 << 16)
        var explained: [TokenContributions] = []
        try TextLineChunks.forEach(files: files, size: Self.chunkLines) { lines in
            let blank = lines.map { $0.allSatisfy(\.isWhitespace) }
            let texts = lines.indices.filter { !blank[$0] }.map { lines[$0] }
            let contributions = explain == nil ? nil : try classifier.explain(texts)
            explained += contributions ?? []
            var results = (contributions?.map(\.classification) ?? classifier.classify(texts)).makeIterator()
            var contributionsOfLine = contributions?.makeIterator()
            var text = ""
            for (line, isBlank) in zip(lines, blank) {
                let result = isBlank ? nil : results.next()
                if json {
                    text += try Self.jsonLine(result, text: line, explanation: isBlank ? nil : contributionsOfLine?.next())
                } else if let result {
                    text += "\(result.label)\t\(String(format: "%.4f", result.probability))\t\(line)"
                }
                text += "\n"
            }
            output.append(text)
            try output.flush()
        }
        if let explain {
            guard !explained.isEmpty else { throw DataError(path: explain, "not written: no line with text to explain") }
            try AtomicFile.write(Array(ContributionPicture(rows: explained).svg().utf8), to: explain)
        }
    }

    /// One JSON object (`ClassifiedTextJSON`).
    static func jsonLine(_ result: Classification?, text: String, explanation: TokenContributions? = nil) throws -> String {
        try CanonicalJSON.string(ClassifiedTextJSON(result, text: text, explanation: explanation))
    }
}
