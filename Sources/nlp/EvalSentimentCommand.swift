import ArgumentParser
import Foundation
import Pipeline
import Tensor

/// `nlp eval sentiment`: accuracy, per-class scores and the confusion matrix.
struct EvalSentimentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sentiment",
        abstract: "Accuracy, per-label precision/recall/F1 and confusion matrix of a classifier on a labelled file.",
        discussion: """
            The file has the training formats ('LABEL text', 'text<TAB>label' or sentiment trees, \
            detected unless --format is given). Labels may be written as in the training data or by \
            their display names. Of a tree file the sentences are scored, with the five labels for a \
            five-class model and binary labels (neutral dropped) otherwise.

            Example:
              $ nlp eval sentiment --model sentiment.safetensors sst2/stsa.binary.test
            """)

    @Option(help: ArgumentHelp("The model file (default: models/sentiment-en.safetensors); give several to classify with their ensemble (mean probabilities).", valueName: "model"))
    var model: [String] = []

    @Option(help: "Line format: label-first, tsv or sst-trees; detected when omitted.")
    var format: LabeledTextFormat?

    @Flag(help: "Print the report as one JSON object.")
    var json = false

    @OptionGroup var runtime: RuntimeArguments
    @OptionGroup var precision: PrecisionArgument

    @Argument(help: ArgumentHelp("A labelled file.", valueName: "file"))
    var file: String

    func run() throws {
        runtime.configure(precision: precision)
        let classifier = try TextClassifier.load(model.isEmpty ? [DefaultModel.path(ClassifyCommand.defaultModelName)] : model)
        let treeLabels: SentimentTreeLabels = classifier.labels.count == 5 ? .fine : .binary
        let examples = try (format ?? LabeledTextFormat.detect(path: file)).read(path: file, treeLabels: treeLabels)
        let report = try classifier.evaluate(examples, path: file)
        if json {
            print(try CanonicalJSON.string(report))
        } else {
            print(report.text)
        }
    }
}
