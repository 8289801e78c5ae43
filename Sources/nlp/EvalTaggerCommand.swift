import ArgumentParser
import Foundation
import Pipeline
import Tensor

/// `nlp eval tagger`: entity-level precision, recall and F1 on a CoNLL file.
struct EvalTaggerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tagger",
        abstract: "Entity-level precision, recall and F1 of a tagger on a CoNLL file (as seqeval and conlleval count).",
        discussion: """
            Gold tags are the last column (--tag-column to choose). The report is seqeval's \
            classification_report: per type, micro, macro and weighted averages.

            Example:
              $ nlp eval tagger --model ner.safetensors conll2003/test.txt
            """)

    @Option(help: ArgumentHelp("The model file (default: models/ner-en.safetensors); give several to tag with their ensemble (mean scores).", valueName: "model"))
    var model: [String] = []

    @Option(help: "Column of the tokens (0-based).")
    var tokenColumn = 0

    @Option(help: "Column of the gold tags (0-based; default: the last).")
    var tagColumn: Int?

    @Flag(help: "Print the scores as one JSON object.")
    var json = false

    @OptionGroup var runtime: RuntimeArguments
    @OptionGroup var precision: PrecisionArgument

    @Argument(help: ArgumentHelp("A CoNLL file with gold tags.", valueName: "file"))
    var file: String

    func validate() throws {
        if tokenColumn < 0 || (tagColumn ?? 1) < 0 { throw ValidationError("columns count from 0") }
        if tagColumn == tokenColumn { throw ValidationError("--token-column and --tag-column must differ") }
    }

    func run() throws {
        runtime.configure(precision: precision)
        let tagger = try TaggerModel.load(model.isEmpty ? [DefaultModel.path(TagCommand.defaultModelName)] : model)
        let sentences = try CoNLLReader(path: file, tokenColumn: tokenColumn, tagColumn: tagColumn.map { .index($0) } ?? .last).readAll()
        try TagScheme.checkEntityTags(sentences, path: file)
        let scores = tagger.evaluate(sentences)
        if json {
            print(try CanonicalJSON.string(scores))
        } else {
            print(scores.text())
        }
    }
}
