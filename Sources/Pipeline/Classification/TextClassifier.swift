import Foundation
import Seq2Seq
import Tensor
import Tokenize

/// A classifier of labelled text (sentiment is one use; the labels are whatever the training data
/// has): its pipeline from text to ids, the network (`SequenceClassifier`: embedding, recurrent
/// encoder, pooling, linear), and its labels. One model file holds all of it; the file's task tag
/// stays `sentiment`, as the shipped models have it.
///
/// ```swift
/// let model = try TextClassifier(contentsOf: "models/sentiment-en.safetensors")
/// model.classify("A gorgeous, witty, seductive movie.")   // label "positive", probability 0.99
/// ```
public final class TextClassifier {
    public let configuration: TextClassifierConfiguration
    public let network: SequenceClassifier<Float>
    public static let task = Task.sentiment
    public var provenance: Provenance?
    /// Models whose probabilities `classify` averages with this one's (an ensemble); empty for one model.
    public private(set) var companions: [TextClassifier] = []

    /// Inference batch size.
    public var batchSize = 64

    public init(configuration: TextClassifierConfiguration, network: SequenceClassifier<Float>) {
        precondition(configuration.network == network.configuration, "network built from another configuration")
        self.configuration = configuration
        self.network = network
    }

    public convenience init(building configuration: TextClassifierConfiguration) {
        var generator = SeededGenerator(seed: 0)
        self.init(configuration: configuration,
                  network: SequenceClassifier<Float>(configuration: configuration.network, generator: &generator))
    }

    /// Makes this model classify as an ensemble with `others` (their files named by `paths`, for
    /// errors): each member reads the text with its own pipeline, and the class probabilities are
    /// the members' mean, p(c | x) = (1/K) Σ_k p_k(c | x). The members must have the same labels.
    public func ensemble(with others: [TextClassifier], paths: [String]) throws {
        precondition(others.count == paths.count, "a path for each model")
        for (other, path) in zip(others, paths) where other.configuration.label != configuration.label {
            throw DataError(path: path, "cannot join the ensemble: this model has the labels \(other.labels), not \(labels)")
        }
        companions = others
    }

    public var labels: [String] { configuration.label.labels.indices.map(configuration.label.name(of:)) }

    /// The ids the network reads for `text` (at least one: `<unk>` for a text with no tokens).
    public func ids(of text: String) -> [Int] { ids(ofTokens: configuration.tokenize(text)) }

    /// The ids the network reads for `tokens`, one per token (`<unk>` alone for no tokens).
    func ids(ofTokens tokens: [String]) -> [Int] {
        let ids = configuration.encode(tokens)
        return ids.isEmpty ? [Vocabulary.unknownID] : ids
    }

    public func classify(_ text: String) -> Classification { classify([text])[0] }

    /// Classifies many texts at once (batched by length; results in input order).
    public func classify(_ texts: [String]) -> [Classification] {
        probabilities(texts: texts).map { configuration.label($0) }
    }

    /// Class probabilities (C) for each text, in input order: the ensemble's mean when there are companions.
    func probabilities(texts: [String]) -> [[Double]] {
        meanProbabilities { member in texts.map(member.ids(of:)) }
    }

    /// Class probabilities (C) for each of the id sequences `sequences(member)` gives (the same
    /// number for every member, each read with that member's pipeline), in order: the members'
    /// mean, p(c | x) = (1/K) Σ_k p_k(c | x), when there are companions.
    func meanProbabilities(_ sequences: (TextClassifier) -> [[Int]]) -> [[Double]] {
        var mean = probabilities(sequences(self))
        guard !companions.isEmpty else { return mean }
        for companion in companions {
            let theirs = companion.probabilities(sequences(companion))
            for i in mean.indices { for c in mean[i].indices { mean[i][c] += theirs[i][c] } }
        }
        let members = Double(1 + companions.count)
        return mean.map { $0.map { $0 / members } }
    }

    /// Class probabilities (C) for each id sequence, in input order.
    func probabilities(_ sequences: [[Int]]) -> [[Double]] {
        var result = [[Double]](repeating: [], count: sequences.count)
        for indices in BatchPlan.inferenceBatches(lengths: sequences.map(\.count), batchSize: batchSize) {
            let batch = PaddedBatch(indices.map { sequences[$0] })
            let p = network.probabilities(ids: batch.ids, lengths: batch.lengths)
            for (row, index) in indices.enumerated() {
                result[index] = (0..<p.cols).map { Double(p[row, $0]) }
            }
        }
        return result
    }

    /// The report of the model on labelled texts; labels unknown to the model are an error.
    public func evaluate(_ examples: [LabeledText], path: String) throws -> ClassificationReport {
        let gold = try examples.map { example -> Int in
            guard let k = configuration.label.index(of: example.label) else {
                throw DataError(path: path, line: example.line,
                                "label '\(example.label)' is not one of the model's labels \(configuration.label.labels)")
            }
            return k
        }
        return report(gold: gold, probabilities: probabilities(texts: examples.map(\.text)))
    }

    func report(gold: [Int], probabilities: [[Double]]) -> ClassificationReport {
        let predicted = probabilities.map(LabelStage.mostProbable)
        return ClassificationReport(labels: labels, gold: gold, predicted: predicted)
    }
}

extension TextClassifier: EnsembleModel {
    /// A training example: ids and class index.
    public struct Example: Sendable {
        public var ids: [Int]
        public var label: Int
    }

    public var parameters: [Parameter<Float>] { network.parameters }

    public func length(of example: Example) -> Int { example.ids.count }

    public var recurrentGradientNorms: [Double]? { network.encoder.hiddenGradientNormsFromEnd }

    /// Adds the gradient of the batch's mean cross-entropy (and, with adversarial training, that
    /// of the perturbed pass: `SequenceClassifier.trainingPass`); the loss returned is the first's.
    public func trainingStep(_ batch: [Example]) -> (lossSum: Double, count: Int) {
        let padded = PaddedBatch(batch.map(\.ids)), targets = batch.map(\.label)
        let crossEntropy = SoftmaxCrossEntropy(reduction: .mean)
        let loss = network.trainingPass(ids: padded.ids, lengths: padded.lengths) {
            crossEntropy(logits: $0, targets: targets)
        }.loss
        return (Double(loss) * Double(batch.count), batch.count)
    }

    public func evaluate(_ examples: [Example]) -> Evaluation {
        let report = report(gold: examples.map(\.label), probabilities: probabilities(examples.map(\.ids)))
        return Evaluation(metricName: "accuracy", metric: report.accuracy, summary: report.accuracySummary)
    }
}

extension TextClassifier {
    /// What each token of each text contributes to its classification (`TokenContributions`:
    /// occlusion), in input order. The members of an ensemble must tokenize alike.
    public func explain(_ texts: [String]) throws -> [TokenContributions] {
        if let other = companions.first(where: { $0.configuration.tokenize != configuration.tokenize }) {
            throw DataError(path: "--explain", "the ensemble's models tokenize differently (\(other.configuration.tokenize) and "
                            + "\(configuration.tokenize)); explain with one model")
        }
        let tokens = texts.map { configuration.tokenize($0) }
        // Per text: its ids, then the ids with token i read as <unk>, for each token i.
        let mean = meanProbabilities { member in
            tokens.flatMap { tokens -> [[Int]] in
                let ids = member.ids(ofTokens: tokens)
                return [ids] + tokens.indices.map { i in
                    var occluded = ids
                    occluded[i] = Vocabulary.unknownID
                    return occluded
                }
            }
        }
        var start = 0
        return tokens.map { tokens in
            let whole = mean[start]
            let predicted = LabelStage.mostProbable(whole)
            let contributions = tokens.indices.map { whole[predicted] - mean[start + 1 + $0][predicted] }
            start += 1 + tokens.count
            return TokenContributions(tokens: tokens, contributions: contributions, classification: configuration.label(whole))
        }
    }
}
