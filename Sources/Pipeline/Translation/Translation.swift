/// One translation of a sentence, with what produced it.
public struct Translation: Codable, Equatable, Sendable {
    /// The translated text.
    public var text: String
    /// The search's ranking score: log p / (pieces + 1)^α for beam search, log p for greedy search.
    public var score: Double
    /// log p(translation | source), `</s>` included.
    public var logProbability: Double
    /// The source and target subword pieces (`▁` marks a word start).
    public var sourcePieces: [String]
    public var targetPieces: [String]
    /// Attention weights: one row per target piece and a last one for `</s>`, each over the source pieces.
    public var alignments: [[Float]]
}
