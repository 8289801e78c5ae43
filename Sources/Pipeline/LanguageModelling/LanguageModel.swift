import FileIO
import Foundation
import Seq2Seq
import Tensor
import Tokenize

/// A language model of sentences: the probability of each token given those before it, from `<s>`
/// to `</s>`, with its pipeline from text to ids (`LanguageModelNetwork` inside). One line of text
/// is one sequence, `<s> w_1 … w_n </s>`: the network reads `<s> w_1 … w_n` and predicts
/// `w_1 … w_n </s>`, so `complete` and `generate` start from `<s>` as training did.
///
/// ```swift
/// let model = try LanguageModel(contentsOf: "models/lm-en.safetensors")
/// model.complete("We decided to go on a short trip this", top: 5)   // [("weekend", 0.21), …]
/// ```
public final class LanguageModel: TaskModel {
    public let configuration: LanguageModelConfiguration
    public let network: LanguageModelNetwork<Float>
    public static let task = Task.languageModel
    public var provenance: Provenance?
    /// Steps of a window of truncated BPTT in training (longer lines are cut into windows, the state
    /// carried from one to the next).
    public var window = 35
    /// Sequences per batch when scoring.
    public var batchSize = 64

    public init(configuration: LanguageModelConfiguration, network: LanguageModelNetwork<Float>) {
        precondition(configuration.network == network.configuration, "network built from another configuration")
        self.configuration = configuration
        self.network = network
    }

    public convenience init(building configuration: LanguageModelConfiguration) {
        var generator = SeededGenerator(seed: 0)
        self.init(configuration: configuration,
                  network: LanguageModelNetwork<Float>(configuration: configuration.network, generator: &generator))
    }

    public var vocabulary: Vocabulary { configuration.encode.vocabulary }

    /// `<s>` and the ids of `text`'s tokens: what the network reads.
    func promptIDs(_ text: String) -> [Int] { [Vocabulary.startID] + configuration.encode(configuration.tokenize(text)) }

    /// A line's tokens as a training or scoring sequence: `<s> w_1 … w_n </s>` (n ≥ 0).
    func sequence(tokens: [String]) -> Example { Example(ids: vocabulary.encode(tokens, addStartAndEnd: true)) }

    /// p(next token | `<s>` + `text`) over the vocabulary (V), and the state after reading it.
    func nextTokenProbabilities(after ids: [Int], state: LanguageModelNetwork<Float>.State? = nil)
        -> (probabilities: [Double], state: LanguageModelNetwork<Float>.State) {
        let (logits, state, _) = network.forward(ids: ids, lengths: [ids.count], state: state, training: false)
        let last = logits.rows(logits.rows - 1..<logits.rows).rowSoftmax()
        return (last.storage.map(Double.init), state)
    }

    /// The `top` most probable next tokens after `text`, with their probabilities (`<pad>`, `<s>`
    /// and `<unk>` left out; `</s>`, the end of the sentence, kept).
    public func complete(_ text: String, top: Int) -> [(token: String, probability: Double)] {
        var probabilities = nextTokenProbabilities(after: promptIDs(text)).probabilities
        for id in [Vocabulary.paddingID, Vocabulary.startID, Vocabulary.unknownID] { probabilities[id] = 0 }
        probabilities = probabilities.map { $0.isFinite ? $0 : 0 }   // a damaged model's NaN scores
        return probabilities.enumerated().sorted { $0.element != $1.element ? $0.element > $1.element : $0.offset < $1.offset }
            .prefix(top).map { (vocabulary.token(at: $0.offset), $0.element) }
    }

    /// Tokens drawn one at a time after `text` by `sampler`, until `</s>`, `maximumTokens`, or no
    /// token with a positive probability (`<pad>`, `<s>` and `<unk>` are never drawn). Returns the
    /// tokens drawn, `</s>` excluded.
    public func generate(after text: String, maximumTokens: Int, sampler: inout TokenSampler) -> [String] {
        var (probabilities, state) = nextTokenProbabilities(after: promptIDs(text))
        var drawn: [String] = []
        while drawn.count < maximumTokens {
            for id in [Vocabulary.paddingID, Vocabulary.startID, Vocabulary.unknownID] { probabilities[id] = 0 }
            guard let id = sampler.draw(probabilities), id != Vocabulary.endID else { break }
            drawn.append(vocabulary.token(at: id))
            (probabilities, state) = nextTokenProbabilities(after: [id], state: state)
        }
        return drawn
    }

    /// Perplexity of `texts`, one sequence each: exp of the mean negative log-probability per
    /// predicted token (every token and each line's `</s>`). A model that gives every token 1/V
    /// has perplexity V.
    public func perplexity(of texts: [String]) -> Perplexity {
        perplexity(texts.map { sequence(tokens: configuration.tokenize($0)) })
    }

    func perplexity(_ examples: [Example]) -> Perplexity {
        let crossEntropy = SoftmaxCrossEntropy(reduction: .sum, ignoredTarget: -1)
        var total = 0.0, count = 0, unknown = 0
        for indices in BatchPlan.inferenceBatches(lengths: examples.map(\.ids.count), batchSize: batchSize) {
            let (inputs, targets) = Self.shifted(indices.map { examples[$0] })
            let logits = network.forward(ids: inputs.ids, lengths: inputs.lengths, training: false).logits
            total += Double(crossEntropy(logits: logits, targets: targets).loss)
            count += targets.filter { $0 >= 0 }.count
            unknown += targets.filter { $0 == Vocabulary.unknownID }.count
        }
        return Perplexity(negativeLogLikelihood: total, tokens: count, unknownTokens: unknown)
    }

    /// Inputs (all but the last id of each sequence, padded) and targets (all but the first,
    /// time-major like the inputs, −1 on padded steps).
    static func shifted(_ batch: [Example]) -> (inputs: PaddedBatch, targets: [Int]) {
        let inputs = PaddedBatch(batch.map { Array($0.ids.dropLast()) })
        let B = batch.count
        var targets = [Int](repeating: -1, count: inputs.ids.count)
        for (b, example) in batch.enumerated() {
            for t in 1..<example.ids.count { targets[(t - 1) * B + b] = example.ids[t] }
        }
        return (inputs, targets)
    }
}

/// A perplexity and what it is made of.
public struct Perplexity: Codable, Equatable, Sendable {
    /// −Σ log p(token), in nats.
    public var negativeLogLikelihood: Double
    /// Tokens predicted (each line's `</s>` included).
    public var tokens: Int
    /// Of those, tokens outside the vocabulary (read and predicted as `<unk>`).
    public var unknownTokens: Int

    /// exp(−Σ log p / tokens).
    public var value: Double { tokens == 0 ? .nan : Foundation.exp(negativeLogLikelihood / Double(tokens)) }
}

extension LanguageModel {
    /// A training example: `<s> w_1 … w_n </s>`.
    public struct Example: Sendable {
        public var ids: [Int]
    }

    public var parameters: [Parameter<Float>] { network.parameters }

    public func length(of example: Example) -> Int { example.ids.count - 1 }

    /// Adds the gradient of the batch's mean cross-entropy per predicted token, by truncated BPTT in
    /// windows of `window` steps (`LanguageModelNetwork.accumulateGradients`).
    public func trainingStep(_ batch: [Example]) -> (lossSum: Double, count: Int) {
        let (inputs, targets) = Self.shifted(batch)
        return network.accumulateGradients(ids: inputs.ids, targets: targets, lengths: inputs.lengths, windowLength: window)
    }

    /// Dev perplexity, negated so that higher is better for early stopping.
    public func evaluate(_ examples: [Example]) -> Evaluation {
        let perplexity = perplexity(examples)
        return Evaluation(metricName: "-perplexity", metric: -perplexity.value,
                          summary: "perplexity \(String(format: "%.2f", perplexity.value)) (\(perplexity.tokens) tokens)")
    }
}
