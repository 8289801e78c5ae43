import Foundation
import Seq2Seq
import Tensor
import Tokenize

/// A named-entity tagger: the pipeline from text to word and character ids, the network
/// (`SequenceTagger`: word embedding and character features, recurrent encoder, linear emissions),
/// and a CRF (or a per-token softmax) over the tags. One model file holds all of it.
///
/// ```swift
/// let tagger = try TaggerModel(contentsOf: "models/ner-en.safetensors")
/// for sentence in tagger.tag("John Smith visited Paris.") {
///     for entity in sentence.entities { print(entity.type, entity.text) }   // PER John Smith, LOC Paris
/// }
/// ```
public final class TaggerModel {
    public let configuration: TaggerConfiguration
    public let network: SequenceTagger<Float>
    public let crf: LinearChainCRF<Float>?
    public static let task = Task.tagger
    public var provenance: Provenance?
    /// Models whose scores `tag` averages with this one's (an ensemble); empty for a single model.
    public private(set) var companions: [TaggerModel] = []
    /// The CRF `tag` decodes with: this model's, or in an ensemble one holding the members' mean scores.
    private var decodingCRF: LinearChainCRF<Float>?
    /// Inference batch size (sentences).
    public var batchSize = 64

    public init(configuration: TaggerConfiguration, network: SequenceTagger<Float>, crf: LinearChainCRF<Float>?) {
        precondition(configuration.network == network.configuration, "network built from another configuration")
        precondition(configuration.crf == (crf != nil), "CRF presence differs from the configuration")
        self.configuration = configuration
        self.network = network
        self.crf = crf
        self.decodingCRF = crf
    }

    /// Makes this model tag as an ensemble with `others` (their files named by `paths`, for errors):
    /// each member reads a sentence with its own vocabulary and network, and the members' emissions
    /// and CRF scores are averaged, so Viterbi and the marginals run on
    ///
    ///     s(y) = (1/K) Σ_k s_k(y)       (K members; s_k the CRF score of member k, or its logits)
    ///
    /// The members must predict the same tags in the same scheme, all with a CRF or all without,
    /// and split raw text the same way. `evaluate` and `tag` then score the ensemble.
    public func ensemble(with others: [TaggerModel], paths: [String]) throws {
        precondition(others.count == paths.count, "a path for each model")
        for (other, path) in zip(others, paths) {
            let mine = configuration, theirs = other.configuration
            let difference = theirs.tags != mine.tags ? "tags \(theirs.tags), not \(mine.tags)"
                : theirs.scheme != mine.scheme ? "scheme \(theirs.scheme.rawValue), not \(mine.scheme.rawValue)"
                : theirs.crf != mine.crf ? (theirs.crf ? "a CRF, the first model has none" : "no CRF, the first model has one")
                : theirs.tokenize != mine.tokenize ? "another way of splitting raw text into tokens" : nil
            if let difference {
                throw DataError(path: path, "cannot join the ensemble: this model has \(difference)")
            }
        }
        companions = others
        guard let crf else { return }
        var generator = SeededGenerator(seed: 0)
        let mean = LinearChainCRF<Float>(tagCount: configuration.tags.count, allowedTransitions: crf.allowedTransitions,
                                         allowedStart: crf.allowedStart, allowedEnd: crf.allowedEnd, generator: &generator)
        let members = [self] + others
        for (index, parameter) in mean.parameters.enumerated() {
            parameter.value.zero()
            for member in members { parameter.value.add(member.crf!.parameters[index].value, scaledBy: 1 / Float(members.count)) }
        }
        decodingCRF = mean
    }

    /// The CRF a configuration asks for, with the scheme's transition constraints.
    static func makeCRF(_ configuration: TaggerConfiguration, generator: inout SeededGenerator) -> LinearChainCRF<Float>? {
        guard configuration.crf else { return nil }
        let masks = TagScheme.allowedTransitions(tags: configuration.tags, scheme: configuration.scheme)
        return LinearChainCRF(tagCount: configuration.tags.count, allowedTransitions: masks.transitions,
                              allowedStart: masks.start, allowedEnd: masks.end, generator: &generator)
    }

    public convenience init(building configuration: TaggerConfiguration) {
        var generator = SeededGenerator(seed: 0)
        let network = SequenceTagger<Float>(configuration: configuration.network, generator: &generator)
        self.init(configuration: configuration, network: network, crf: Self.makeCRF(configuration, generator: &generator))
    }

    /// The network's input for a sentence of tokens.
    public func example(tokens: [String], tags: [Int] = []) -> Example {
        let words = configuration.words(tokens.map(configuration.wordKey.callAsFunction))
        let characters = configuration.characters.map { stage in tokens.map { stage($0) } } ?? []
        return Example(words: words, characters: characters, tags: tags)
    }

    /// Tags sentences of tokens (batched; in input order). Each tag comes with its probability
    /// (the CRF's posterior marginal, or the softmax).
    public func tag(tokens sentences: [[String]]) -> [[(tag: String, probability: Double)]] {
        var result = [[(tag: String, probability: Double)]](repeating: [], count: sentences.count)
        let real = sentences.indices.filter { !sentences[$0].isEmpty }
        for batch in BatchPlan.inferenceBatches(lengths: real.map { sentences[$0].count }, batchSize: batchSize) {
            let indices = batch.map { real[$0] }
            let predictions = predict(tokens: indices.map { sentences[$0] })
            for (index, prediction) in zip(indices, predictions) {
                result[index] = prediction.map { (configuration.tags[$0.tag], $0.probability) }
            }
        }
        return result
    }

    /// Splits `text` into sentences and tokens and tags them.
    public func tag(_ text: String) -> [TaggedSentence] { tag([text])[0] }

    /// Tags many texts at once (their sentences are batched together); results in input order.
    public func tag(_ texts: [String]) -> [[TaggedSentence]] {
        let splitter = try! SentenceSplitter(locale: configuration.tokenize.normalize.locale)   // locale checked at load
        var sentences: [(text: Int, range: Range<Int>, tokens: [Token])] = []
        let bytes = texts.map { Array($0.utf8) }
        for (index, text) in texts.enumerated() {
            for sentence in splitter.split(text) {
                let start = sentence.range.lowerBound
                let tokens = configuration.tokenize.tokens(of: String(decoding: bytes[index][sentence.range], as: UTF8.self)).map {
                    Token(text: $0.text, range: (start + $0.range.lowerBound)..<(start + $0.range.upperBound))
                }
                if !tokens.isEmpty { sentences.append((index, sentence.range, tokens)) }
            }
        }
        let tags = tag(tokens: sentences.map { $0.tokens.map(\.text) })
        var result = [[TaggedSentence]](repeating: [], count: texts.count)
        for (sentence, tags) in zip(sentences, tags) {
            let text = bytes[sentence.text], tokens = sentence.tokens
            let tagged = zip(tokens, tags).map { TaggedSentence.TaggedToken(text: $0.text, tag: $1.tag, range: $0.range) }
            let entities = TagScheme.entities(in: tags.map(\.tag), scheme: configuration.scheme).map { span in
                let range = tokens[span.start].range.lowerBound..<tokens[span.end - 1].range.upperBound
                let confidence = tags[span.start..<span.end].reduce(0) { $0 + $1.probability } / Double(span.count)
                return TaggedSentence.Entity(type: span.type, text: String(decoding: text[range], as: UTF8.self),
                                             tokens: span.start..<span.end, range: range, confidence: confidence)
            }
            result[sentence.text].append(TaggedSentence(range: sentence.range, tokens: tagged, entities: entities))
        }
        return result
    }

    /// Entity scores of the model on tagged CoNLL sentences (their tags are the gold standard).
    public func evaluate(_ sentences: [CoNLLSentence]) -> EntityScores {
        let predicted = tag(tokens: sentences.map(\.tokens)).map { $0.map(\.tag) }
        return EntityScores(gold: sentences.map(\.tags), predicted: predicted, scheme: configuration.scheme)
    }

    /// The network's emissions (T·B, C) for a batch of examples, time-major as `PaddedBatch` lays them out.
    public func emissions(_ examples: [Example]) -> Matrix<Float> {
        let batch = PaddedBatch(examples.map(\.words))
        return network.forward(ids: batch.ids, characters: timeMajorCharacters(examples, steps: batch.steps),
                               lengths: batch.lengths, training: false).emissions
    }

    /// Best tag index and its probability for each token of each sentence (a batch of non-empty
    /// sentences): the ensemble's mean emissions when there are companions.
    func predict(tokens sentences: [[String]]) -> [[(tag: Int, probability: Double)]] {
        let each = ([self] + companions).map { member in member.emissions(sentences.map { member.example(tokens: $0) }) }
        var mean = each[0]
        if each.count > 1 {
            mean.zero()
            for emissions in each { mean.add(emissions, scaledBy: 1 / Float(each.count)) }
        }
        return decode(mean, lengths: sentences.map(\.count), crf: decodingCRF)
    }

    /// Best tag index and its probability for each token of each example (a batch), this model alone.
    func predict(_ examples: [Example]) -> [[(tag: Int, probability: Double)]] {
        decode(emissions(examples), lengths: examples.map(\.words.count), crf: crf)
    }

    /// Viterbi (or the best softmax entry) and the marginals from emissions (T·B, C) of sentences of `lengths`.
    public func decode(_ emissions: Matrix<Float>, lengths: [Int], crf: LinearChainCRF<Float>?) -> [[(tag: Int, probability: Double)]] {
        let B = lengths.count
        let C = configuration.tags.count
        let probabilities: Matrix<Float>
        let best: [[Int]]
        if let crf {
            best = crf.decode(emissions: emissions, lengths: lengths)
            probabilities = crf.marginals(emissions: emissions, lengths: lengths)
        } else {
            probabilities = emissions.rowSoftmax()
            best = (0..<B).map { b in
                (0..<lengths[b]).map { t in
                    let row = t * B + b
                    return (0..<C).max { probabilities[row, $0] < probabilities[row, $1] }!
                }
            }
        }
        return (0..<B).map { b in
            best[b].enumerated().map { t, tag in (tag, Double(probabilities[t * B + b, tag])) }
        }
    }

    /// Character ids laid out like the word ids: entry t·B + b for token t of sentence b (empty on padding).
    func timeMajorCharacters(_ examples: [Example], steps: Int) -> [[Int]] {
        guard configuration.characters != nil else { return [] }
        let B = examples.count
        var characters = [[Int]](repeating: [], count: steps * B)
        for (b, example) in examples.enumerated() {
            for (t, ids) in example.characters.enumerated() { characters[t * B + b] = ids }
        }
        return characters
    }

    /// The entity scores of the model on tagged sentences.
    func scores(_ examples: [Example]) -> EntityScores {
        var predicted = [[String]](repeating: [], count: examples.count)
        for batch in BatchPlan.inferenceBatches(lengths: examples.map(\.words.count), batchSize: batchSize) {
            for (index, prediction) in zip(batch, predict(batch.map { examples[$0] })) {
                predicted[index] = prediction.map { configuration.tags[$0.tag] }
            }
        }
        let gold = examples.map { $0.tags.map { configuration.tags[$0] } }
        return EntityScores(gold: gold, predicted: predicted, scheme: configuration.scheme)
    }
}

extension TaggerModel: EnsembleModel {
    /// A sentence: word ids, character ids per token, tag indices.
    public struct Example: Sendable {
        public var words: [Int]
        public var characters: [[Int]]
        public var tags: [Int]
    }

    public var parameters: [Parameter<Float>] { network.parameters + (crf?.parameters ?? []) }

    public func length(of example: Example) -> Int { example.words.count }

    /// The encoder's first layer: from the end of each sentence (the loss enters at every word).
    public var recurrentGradientNorms: [Double]? { network.encoder.hiddenGradientNormsFromEnd }

    public func trainingStep(_ examples: [Example]) -> (lossSum: Double, count: Int) {
        let batch = PaddedBatch(examples.map(\.words))
        let B = batch.batchSize
        let (emissions, cache) = network.forward(ids: batch.ids, characters: timeMajorCharacters(examples, steps: batch.steps),
                                                 lengths: batch.lengths, training: true)
        var targets = [Int](repeating: -1, count: batch.ids.count)
        for (b, example) in examples.enumerated() {
            for (t, tag) in example.tags.enumerated() { targets[t * B + b] = tag }
        }
        if let crf {
            let (loss, gradient) = crf.negativeLogLikelihood(emissions: emissions, tags: targets, lengths: batch.lengths)
            network.backward(emissionsGradient: gradient, cache: cache)
            return (Double(loss) * Double(B), B)
        }
        let (loss, gradient) = SoftmaxCrossEntropy(reduction: .mean, ignoredTarget: -1)(logits: emissions, targets: targets)
        network.backward(emissionsGradient: gradient, cache: cache)
        let tokens = batch.lengths.reduce(0, +)
        return (Double(loss) * Double(tokens), tokens)
    }

    public func evaluate(_ examples: [Example]) -> Evaluation {
        let scores = scores(examples)
        return Evaluation(metricName: "f1", metric: scores.overall.f1,
                          summary: String(format: "entity F1 %.2f%% (P %.2f%%, R %.2f%%)", 100 * scores.overall.f1,
                                          100 * scores.overall.precision, 100 * scores.overall.recall))
    }
}
