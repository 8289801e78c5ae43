import FileIO
import ArgumentParser
import Foundation
import Pipeline
import Tensor
import Tokenize

/// `nlp translate`: one translation a line.
struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate sentences (English to German by default).",
        discussion: """
            Translates the SENTENCEs given as arguments, or else each line of the files given with \
            --input (standard input when none), and writes one translation a line, in input order. \
            With --n-best N, N lines per sentence (best first). With --json, one JSON object per \
            sentence: source, translations (text, score, log-probability, source and target \
            pieces, attention alignments). --attention FILE.svg draws the alignment of the first non-empty \
            sentence's best translation.

            Without --model the English-German model models/translate-en-de.safetensors is used.

            Example:
              $ nlp translate "A man is riding a bike."
            """)

    @Option(help: ArgumentHelp("The model file (default: models/translate-en-de.safetensors).", valueName: "model"))
    var model: String?

    @Option(name: .customLong("input"), help: ArgumentHelp("Read sentences from this file, one a line (repeatable; - is standard input).", valueName: "file"))
    var inputs: [String] = []

    @OptionGroup var search: SearchArguments

    @Option(help: "Translations to print per sentence (at most the beam size).")
    var nBest = 1

    @Flag(help: "One JSON object per sentence.")
    var json = false

    @Option(help: ArgumentHelp("Write an SVG heatmap of the first sentence's attention to this file.", valueName: "file.svg"))
    var attention: String?

    @OptionGroup var runtime: RuntimeArguments
    @OptionGroup var precision: PrecisionArgument

    @Argument(help: ArgumentHelp("Sentences to translate (else --input files or standard input).", valueName: "sentence"))
    var sentences: [String] = []

    static let defaultModelName = "translate-en-de.safetensors"
    static let chunkLines = 1024

    func validate() throws {
        if let problem = search.options(nBest: nBest).problem { throw ValidationError(problem) }
        if !sentences.isEmpty && !inputs.isEmpty { throw ValidationError("give sentences as arguments or --input files, not both") }
    }

    func run() throws {
        runtime.configure(precision: precision)
        let translator = try TranslationModel(contentsOf: try model ?? DefaultModel.path(Self.defaultModelName))
        if let attention { try OutputFile.checkWritable(attention, what: "the attention picture") }
        let options = search.options(nBest: nBest)
        let output = BufferedWriter(standardOutputWithThreshold: 1 << 16)
        var drewAttention = false
        func translate(_ lines: [String]) throws {
            let results = translator.translate(lines, options: options)
            var text = ""
            for (source, translations) in zip(lines, results) {
                if json {
                    text += try Self.jsonLine(source: source, translations: translations) + "\n"
                } else {
                    for translation in translations { text += translation.text + "\n" }
                }
            }
            // The first sentence with tokens (an empty one has no alignment to draw).
            if let attention, !drewAttention,
               let first = results.lazy.compactMap(\.first).first(where: { !$0.sourcePieces.isEmpty }) {
                try Self.writeHeatmap(first, to: attention)
                drewAttention = true
            }
            output.append(text)
            try output.flush()
        }
        if sentences.isEmpty {
            try TextLineChunks.forEach(files: inputs, size: Self.chunkLines, translate)
        } else {
            try translate(sentences)
        }
        if let attention, !drewAttention {
            printError("\(attention): not written: no sentence with words to draw the attention of")
        }
    }

    static func writeHeatmap(_ translation: Translation, to path: String) throws {
        let targets = translation.targetPieces + ["</s>"]
        let svg = try AttentionHeatmap(sourceTokens: translation.sourcePieces, targetTokens: targets,
                                       weights: translation.alignments, title: translation.text).svg()
        try AtomicFile.write(Array(svg.utf8), to: path)
    }

    static func jsonLine(source: String, translations: [Translation]) throws -> String {
        try CanonicalJSON.string(TranslatedSentenceJSON(source: source, translations: translations))
    }
}
