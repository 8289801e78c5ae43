import FileIO
import Foundation
import Seq2Seq
import Tensor
import Tokenize

/// A language model of sentences: the probability of each token given those before it, from `<s>`
/// to `</s>`, with its pipeline from text to ids (`LanguageModelNetwork` inside). The tokens are
/// words, or subword pieces when the configuration has a byte-pair encoding.
///
/// One line of text is one sequence, `<s> w_1 … w_n </s>`: the network reads `<s> w_1 … w_n` and
/// predicts `w_1 … w_n </s>`, so `complete` and `generate` start from `<s>` as training did. A
/// stream model (`configuration.streamBlock`) reads consecutive lines as one stream instead,
/// `<s> line₁ </s> line₂ </s> …` in blocks (`blocks(_:limit:)`), so that a line is predicted with
/// the lines before it as context; it predicts the same tokens, so perplexities compare.
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
    func promptIDs(_ text: String) -> [Int] { [Vocabulary.startID] + configuration.encode(configuration.tokens(of: text)) }

    /// A line's tokens as a training or scoring sequence: `<s> w_1 … w_n </s>` (n ≥ 0).
    func sequence(tokens: [String]) -> Example { Example(ids: vocabulary.encode(tokens, addStartAndEnd: true)) }

    /// The training or scoring sequences of lines given as tokens: one a line, or the stream's
    /// blocks for a stream model.
    func examples(tokens lines: [[String]]) -> [Example] {
        let sequences = lines.map(sequence(tokens:))
        guard let limit = configuration.streamBlock else { return sequences }
        return Self.blocks(sequences, limit: limit)
    }

    /// Consecutive sequences `<s> line </s>` joined into blocks `<s> line₁ </s> line₂ </s> …` of at
    /// most `limit` ids, cut only at line ends (a longer line is a block of its own), in order:
    /// every token of every line is predicted once, as line by line, but from the lines before it
    /// in the block.
    public static func blocks(_ sequences: [Example], limit: Int) -> [Example] {
        var blocks: [Example] = []
        var current: [Int] = []
        for sequence in sequences {
            let line = sequence.ids.dropFirst()   // w_1 … w_n </s>
            if !current.isEmpty && current.count + line.count > limit {
                blocks.append(Example(ids: current))
                current = []
            }
            if current.isEmpty { current = [Vocabulary.startID] }
            current += line
        }
        if !current.isEmpty { blocks.append(Example(ids: current)) }
        return blocks
    }

    /// The text that `tokens` (the model's words or pieces) spell.
    public func text(of tokens: [String]) -> String {
        configuration.subword != nil
            ? BytePairEncoding.join(tokens)
            : Detokenizer(locale: configuration.tokenize.normalize.locale).detokenize(tokens)
    }

    /// p(next token | `<s>` + `text`) over the vocabulary (V), and the state after reading it.
    func nextTokenProbabilities(after ids: [Int], state: LanguageModelNetwork<Float>.State? = nil)
        -> (probabilities: [Double], state: LanguageModelNetwork<Float>.State) {
        let (logits, state, _) = network.forward(ids: ids, lengths: [ids.count], state: state, training: false)
        let last = logits.rows(logits.rows - 1..<logits.rows).rowSoftmax()
        return (last.storage.map(Double.init), state)
    }

    /// The `top` most probable next words after `text`, with their probabilities (`<pad>`, `<s>`
    /// and `<unk>` left out; `</s>`, the end of the sentence, kept). A subword model's words are
    /// found by `completeWords`.
    public func complete(_ text: String, top: Int) -> [(token: String, probability: Double)] {
        let (probabilities, state) = nextTokenProbabilities(after: promptIDs(text))
        if configuration.subword != nil { return completeWords(probabilities, state: state, top: top) }
        return TokenSampler.ranked(drawable(probabilities)).prefix(top).map { (vocabulary.token(at: $0.id), $0.probability) }
    }

    /// `probabilities` with the tokens that are never proposed (`<pad>`, `<s>`, `<unk>`) and a damaged
    /// model's NaN scores at zero.
    func drawable(_ probabilities: [Double]) -> [Double] {
        var probabilities = probabilities.map { $0.isFinite ? $0 : 0 }
        for id in [Vocabulary.paddingID, Vocabulary.startID, Vocabulary.unknownID] { probabilities[id] = 0 }
        return probabilities
    }

    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation: true
        default: false
        }
    }

    /// The pieces a word spans at most when completing.
    static let maximumWordPieces = 8

    /// A subword model's next words: a beam search over pieces. A word is a piece that begins one
    /// (marked `▁`, `</s>`, or punctuation alone; the prompt is taken to end with a whole word)
    /// and the pieces after it up to the next piece that begins a word, so
    ///
    ///     p(word) = p(piece₁ … piece_k) · Σ_{q begins a word} p(q | … piece_k)
    ///
    /// summed over the spellings the beam (of max(3·top, 12) partial words) finds.
    func completeWords(_ first: [Double], state: LanguageModelNetwork<Float>.State, top: Int)
        -> [(token: String, probability: Double)] {
        struct Partial { var pieces: [String]; var probability: Double; var next: [Double]; var state: LanguageModelNetwork<Float>.State }
        let pieces = (0..<vocabulary.count).map(vocabulary.token(at:))
        let beginsWord = pieces.enumerated().map { id, piece in
            id == Vocabulary.endID || piece.first == BytePairEncoding.wordBoundary
                || piece.unicodeScalars.allSatisfy(Self.isPunctuation)
        }
        let beam = max(3 * top, 12)
        var words: [String: Double] = [:]
        var frontier = [Partial(pieces: [], probability: 1, next: drawable(first), state: state)]
        for depth in 0..<Self.maximumWordPieces where !frontier.isEmpty {
            var extensions: [(partial: Int, id: Int, probability: Double)] = []
            for (index, partial) in frontier.enumerated() {
                var ending = 0.0
                for (id, p) in partial.next.enumerated() where p > 0 {
                    if depth == 0 && !beginsWord[id] { continue }   // the prompt's last word is whole
                    if depth > 0 && beginsWord[id] { ending += p } else { extensions.append((index, id, partial.probability * p)) }
                }
                if depth > 0 { words[BytePairEncoding.join(partial.pieces), default: 0] += partial.probability * ending }
            }
            extensions.sort { $0.probability != $1.probability ? $0.probability > $1.probability : ($0.partial, $0.id) < ($1.partial, $1.id) }
            frontier = extensions.prefix(beam).compactMap { partial, id, probability in
                if id == Vocabulary.endID {   // the end of the sentence is a word of its own
                    words[vocabulary.token(at: id), default: 0] += probability
                    return nil
                }
                let (next, state) = nextTokenProbabilities(after: [id], state: frontier[partial].state)
                return Partial(pieces: frontier[partial].pieces + [pieces[id]], probability: probability,
                               next: drawable(next), state: state)
            }
        }
        return words.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(top).map { ($0.key, $0.value) }
    }

    /// Tokens drawn one at a time after `text` by `sampler`, until `</s>`, `maximumTokens`, or no
    /// token with a positive probability (`<pad>`, `<s>` and `<unk>` are never drawn). Returns the
    /// tokens drawn, `</s>` excluded.
    public func generate(after text: String, maximumTokens: Int, sampler: inout TokenSampler) -> [String] {
        var (probabilities, state) = nextTokenProbabilities(after: promptIDs(text))
        var drawn: [String] = []
        while drawn.count < maximumTokens {
            guard let id = sampler.draw(drawable(probabilities)), id != Vocabulary.endID else { break }
            drawn.append(vocabulary.token(at: id))
            (probabilities, state) = nextTokenProbabilities(after: [id], state: state)
        }
        return drawn
    }

    /// Perplexity of `texts`: exp of the mean negative log-probability per predicted token (every
    /// token and each line's `</s>`), read line by line or as a stream as the model was trained. A
    /// model that gives every token 1/V has perplexity V.
    public func perplexity(of texts: [String]) -> Perplexity {
        guard let subword = configuration.subword else { return perplexity(examples(tokens: texts.map(configuration.tokenize.callAsFunction))) }
        let words = texts.map(subword.words(of:))   // tokenized once: segmented for the pieces, counted for per word
        var perplexity = perplexity(examples(tokens: words.map { $0.flatMap(subword.encoding.segment) }))
        perplexity.words = words.reduce(0) { $0 + $1.count + 1 }
        return perplexity
    }

    /// Perplexity per token of `examples`, scored in windows of `window` steps (the state carried).
    func perplexity(_ examples: [Example]) -> Perplexity {
        var total = 0.0, count = 0, unknown = 0
        for indices in BatchPlan.inferenceBatches(lengths: examples.map(\.ids.count), batchSize: batchSize) {
            let (inputs, targets) = Self.shifted(indices.map { examples[$0] })
            total += network.crossEntropySum(ids: inputs.ids, targets: targets, lengths: inputs.lengths, windowLength: window)
            count += targets.filter { $0 >= 0 }.count
            unknown += targets.filter { $0 == Vocabulary.unknownID }.count
        }
        return Perplexity(negativeLogLikelihood: total, tokens: count, words: count, unknownTokens: unknown)
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
    /// Tokens predicted (each line's `</s>` included): words, or a subword model's pieces.
    public var tokens: Int
    /// Words predicted (the tokenizer's, each line's `</s>` included); `tokens` for a word model.
    public var words: Int
    /// Of the tokens, those outside the vocabulary (read and predicted as `<unk>`).
    public var unknownTokens: Int

    /// exp(−Σ log p / tokens): per token.
    public var value: Double { Self.exponential(negativeLogLikelihood, per: tokens) }
    /// exp(−Σ log p / words): per word, what compares a subword model with a word model.
    public var perWord: Double { Self.exponential(negativeLogLikelihood, per: words) }

    static func exponential(_ negativeLogLikelihood: Double, per count: Int) -> Double {
        count == 0 ? .nan : Foundation.exp(negativeLogLikelihood / Double(count))
    }
}

extension LanguageModel {
    /// A training example: `<s> w_1 … w_n </s>`.
    public struct Example: Equatable, Sendable {
        public var ids: [Int]

        public init(ids: [Int]) { self.ids = ids }
    }

    public var parameters: [Parameter<Float>] { network.parameters }

    public func length(of example: Example) -> Int { example.ids.count - 1 }

    /// The first layer in the last window of truncated BPTT, from its end (the loss enters at every step).
    public var recurrentGradientNorms: [Double]? { network.encoder.hiddenGradientNormsFromEnd }

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
