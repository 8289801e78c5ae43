import Foundation
import Seq2Seq
import Tensor
import Tokenize

/// A translator from one language to another: its subword pipeline, vocabularies and attention
/// encoder-decoder (`Translator`). One model file holds all of it.
///
/// ```swift
/// let model = try TranslationModel(contentsOf: "models/translate-en-de.safetensors")
/// model.translate(["A man is riding a bike."])[0][0].text   // "Ein Mann fährt Fahrrad."
/// ```
public final class TranslationModel {
    public let configuration: TranslationConfiguration
    public let network: Translator<Float>
    public static let task = Task.translate
    public var provenance: Provenance?
    /// Label smoothing ε of the training loss.
    public var labelSmoothing = 0.0
    /// Sentences decoded together when scoring the dev set.
    public var evaluationBatchSize = 64

    public init(configuration: TranslationConfiguration, network: Translator<Float>) {
        precondition(configuration.network == network.configuration, "network built from another configuration")
        self.configuration = configuration
        self.network = network
    }

    public convenience init(building configuration: TranslationConfiguration) {
        var generator = SeededGenerator(seed: 0)
        self.init(configuration: configuration, network: Translator<Float>(configuration: configuration.network, generator: &generator))
    }

    /// The source pieces of `text` and their ids.
    public func source(_ text: String) -> (pieces: [String], ids: [Int]) {
        let pieces = configuration.subword.pieces(of: text)
        return (pieces, configuration.sourceEncode(pieces))
    }

    /// The target ids of `text` (training, scoring a reference).
    public func targetIDs(_ text: String) -> [Int] { configuration.targetEncode(configuration.subword.pieces(of: text)) }

    /// Translates each text; returns up to `options.nBest` translations per text, best first, in
    /// input order. A text with no tokens translates to the empty text (`nBest` times).
    public func translate(_ texts: [String], options: TranslationSearchOptions = TranslationSearchOptions()) -> [[Translation]] {
        precondition(options.problem == nil, options.problem ?? "")
        let sources = texts.map(source)
        var results = [[Translation]](repeating: [], count: texts.count)
        let nonEmpty = sources.indices.filter { !sources[$0].ids.isEmpty }
        // A text with no tokens: the empty translation, n-best times, so that every text has as many.
        let empty = Translation(text: "", score: 0, logProbability: 0, sourcePieces: [], targetPieces: [], alignments: [])
        for index in sources.indices where sources[index].ids.isEmpty {
            results[index] = Array(repeating: empty, count: options.nBest)
        }
        let batches = BatchPlan.inferenceBatches(lengths: nonEmpty.map { sources[$0].ids.count }, batchSize: options.batchSize)
        for batch in batches {
            let indices = batch.map { nonEmpty[$0] }
            let ids = indices.map { sources[$0].ids }
            let limits = ids.map { Int((Double($0.count) * options.maximumLengthRatio).rounded(.up)) + 5 }
            let found: [[TranslationHypothesis]] = options.beam == 1
                ? network.greedy(ids, maximumLengths: limits).map { [$0] }
                : network.beamSearch(ids, beam: options.beam, nBest: options.nBest, maximumLengths: limits,
                                     lengthNormalization: options.lengthNormalization)
            for (index, hypotheses) in zip(indices, found) {
                var translations = hypotheses.map { translation($0, source: sources[index].pieces, options: options) }
                // Fewer than n-best finished (a model whose scores are not finite): repeat the last,
                // or the empty translation, so that every text has n-best lines.
                while translations.count < options.nBest { translations.append(translations.last ?? empty) }
                results[index] = translations
            }
        }
        return results
    }

    func translation(_ hypothesis: TranslationHypothesis, source: [String], options: TranslationSearchOptions) -> Translation {
        let vocabulary = configuration.targetEncode.vocabulary
        var pieces: [String] = []
        for (position, id) in hypothesis.ids.enumerated() {
            if id == Vocabulary.unknownID && options.replaceUnknown {
                let weights = hypothesis.alignments[position]
                let attended = weights.indices.max { weights[$0] < weights[$1] } ?? 0
                pieces.append(source[attended])
            } else {
                pieces.append(vocabulary.token(at: id))
            }
        }
        return Translation(text: configuration.subword.text(from: pieces), score: hypothesis.score,
                           logProbability: hypothesis.logProbability, sourcePieces: source, targetPieces: pieces,
                           alignments: hypothesis.alignments)
    }

    /// Corpus BLEU and chrF (sacreBLEU's defaults) of the model's translations of `sources`
    /// against `references`; returns the translations too.
    public func evaluate(sources: [String], references: [String], options: TranslationSearchOptions)
        -> (bleu: BLEUScore, chrF: ChrFScore, translations: [String])
    {
        precondition(sources.count == references.count, "one reference per source")
        let hypotheses = translate(sources, options: options).map { $0.first?.text ?? "" }
        return (BLEUScore.corpus(hypotheses: hypotheses, references: references),
                ChrFScore.corpus(hypotheses: hypotheses, references: references), hypotheses)
    }
}

extension TranslationModel: TaskModel {
    /// A training pair: source and target ids, and the target text BLEU compares with.
    public struct Example: Sendable {
        public var source: [Int]
        public var target: [Int]
        public var sourceText: String
        public var reference: String
    }

    public var parameters: [Parameter<Float>] { network.parameters }


    /// Target pieces and `</s>`: what the loss counts and batches group by.
    public func length(of example: Example) -> Int { example.target.count + 1 }

    /// The encoder's first layer, from the end of each source sentence (the loss enters through attention).
    public var recurrentGradientNorms: [Double]? { network.encoder.hiddenGradientNormsFromEnd }

    public func trainingStep(_ batch: [Example]) -> (lossSum: Double, count: Int) {
        network.loss(sources: batch.map(\.source), targets: batch.map(\.target), labelSmoothing: labelSmoothing,
                     training: true, computeGradients: true)
    }

    /// Dev BLEU of greedy translations (fast enough to run every epoch).
    public func evaluate(_ examples: [Example]) -> Evaluation {
        var options = TranslationSearchOptions()
        options.beam = 1
        options.batchSize = evaluationBatchSize
        let sources = examples.map(\.sourceText), references = examples.map(\.reference)
        let (bleu, chrF, _) = evaluate(sources: sources, references: references, options: options)
        return Evaluation(metricName: "bleu", metric: bleu.score,
                          summary: String(format: "BLEU %.2f, chrF %.2f (greedy)", bleu.score, chrF.score))
    }
}
