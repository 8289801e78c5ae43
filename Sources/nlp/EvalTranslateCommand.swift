import FileIO
import ArgumentParser
import Foundation
import Pipeline
import Tensor
import Tokenize

/// `nlp eval translate`: corpus BLEU and chrF of a model's translations.
struct EvalTranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Corpus BLEU and chrF (sacreBLEU's defaults) of a translation model on a test set.",
        discussion: """
            Translates --src and scores the translations against --ref (raw, untokenised text, one \
            reference a line): BLEU with the 13a tokenizer, cased, as sacreBLEU's default, and chrF. \
            --output keeps the translations.

            Example:
              $ nlp eval translate --src multi30k/raw/test_2016_flickr.en --ref multi30k/raw/test_2016_flickr.de
            """)

    @Option(help: ArgumentHelp("The model file (default: models/translate-en-de.safetensors).", valueName: "model"))
    var model: String?

    @Option(help: ArgumentHelp("Source sentences, one a line.", valueName: "file"))
    var src: String

    @Option(help: ArgumentHelp("Reference translations, line-aligned with --src.", valueName: "file"))
    var ref: String

    @Option(help: ArgumentHelp("Also write the translations to this file.", valueName: "file"))
    var output: String?

    @OptionGroup var search: SearchArguments

    @Flag(help: "Print the scores as one JSON object.")
    var json = false

    @OptionGroup var runtime: RuntimeArguments
    @OptionGroup var precision: PrecisionArgument

    func run() throws {
        runtime.configure(precision: precision)
        let translator = try TranslationModel(contentsOf: try model ?? DefaultModel.path(TranslateCommand.defaultModelName))
        // Test sets are read whole and must align line for line; empty lines are kept (and score 0).
        if let output { try OutputFile.checkWritable(output, what: "the translations") }
        let sources = try Self.lines(src), references = try Self.lines(ref)
        guard !sources.isEmpty else { throw DataError(path: src, "no sentences to translate (the file is empty)") }
        guard sources.count == references.count else {
            throw DataError(path: ref, "\(references.count) reference lines for \(sources.count) source lines in \(src)")
        }
        let options = search.options(nBest: 1)
        let clock = ContinuousClock(), start = clock.now
        let (bleu, chrF, translations) = translator.evaluate(sources: sources, references: references, options: options)
        let seconds = (clock.now - start) / .seconds(1)
        if let output { try AtomicFile.write(Array(translations.map { $0 + "\n" }.joined().utf8), to: output) }
        if json {
            struct Report: Encodable { var bleu: Double; var chrF: Double; var bleuSignature: String; var sentences: Int; var seconds: Double }
            let report = Report(bleu: bleu.score, chrF: chrF.score, bleuSignature: bleu.description,
                                sentences: sources.count, seconds: seconds)
            print(try CanonicalJSON.string(report))
        } else {
            print(bleu.description)
            print(chrF.description)
            print(String(format: "%d sentences in %.1f s (beam %d)", sources.count, seconds, options.beam))
        }
    }

    static func lines(_ path: String) throws -> [String] {
        try InputFile.checkReadable(path)
        var lines: [String] = []
        try LineReader(path: path).forEachLine { bytes, number in
            guard let line = String(validating: bytes, as: UTF8.self) else {
                throw DataError(path: path, line: number, "not valid UTF-8")
            }
            lines.append(line.hasSuffix("\r") ? String(line.dropLast()) : line)
        }
        return lines
    }
}
