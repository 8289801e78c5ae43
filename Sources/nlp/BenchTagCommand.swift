import FileIO
import ArgumentParser
import Foundation
import Pipeline
import Tensor
import Tokenize

/// `nlp bench-tag`: tagging speed from raw text to JSON output.
struct BenchTagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-tag",
        abstract: "Measure tagging speed, raw text to JSON output, in tokens per second.",
        discussion: """
            Runs exactly what 'nlp tag --output json FILE' runs (sentence splitting, tokenization, \
            the network, the CRF, JSON with offsets) with the output discarded, and prints one JSON \
            object: tag_json_tok_s (tokens per second), tokens, seconds (the fastest pass) and \
            json_bytes. Use a release build.

            Example:
              $ cut -d' ' -f1 conll2003/test.txt | paste -sd' ' | fold -w 200 > text.txt   # any text
              $ nlp bench-tag text.txt
            """)

    @Option(help: ArgumentHelp("The model file (default: models/ner-en.safetensors); give several to time their ensemble.", valueName: "model"))
    var model: [String] = []

    @OptionGroup var runtime: RuntimeArguments
    @OptionGroup var precision: PrecisionArgument

    @Option(help: "Passes over the file; the fastest is reported.")
    var repeats = 3

    @Argument(help: ArgumentHelp("A UTF-8 text file.", valueName: "file"))
    var file: String

    func validate() throws {
        if repeats < 1 { throw ValidationError("--repeats must be at least 1") }
    }

    func run() throws {
        runtime.configure(precision: precision)
        let tagger = try TaggerModel.load(model.isEmpty ? [DefaultModel.path(TagCommand.defaultModelName)] : model)
        var best = Double.infinity, tokens = 0, bytes = 0
        for _ in 0..<repeats {
            let start = Date()
            bytes = 0
            tokens = try TagCommand.tagText(try LineReader(path: file), name: file, tagger: tagger, output: .json) { bytes += $0.utf8.count }
            best = min(best, Date().timeIntervalSince(start))
        }
        print(String(format: "{\"tag_json_tok_s\": %.1f, \"tokens\": %d, \"seconds\": %.3f, \"json_bytes\": %d}",
                     Double(tokens) / best, tokens, best, bytes))
    }
}
