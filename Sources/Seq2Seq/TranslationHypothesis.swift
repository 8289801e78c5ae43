/// One translation found by a search: target ids (without `<s>` and `</s>`), its log-probability
/// log p(y_1 … y_L, </s> | x), the score the search ranked it by, and the attention weights over the
/// source positions for each emitted token (`</s>` included, so L + 1 rows; rows of the source's length).
public struct TranslationHypothesis: Equatable, Sendable {
    public var ids: [Int]
    public var logProbability: Double
    /// log p / (L + 1)^α with the search's length-normalisation exponent α.
    public var score: Double
    public var alignments: [[Float]]

    public init(ids: [Int], logProbability: Double, score: Double, alignments: [[Float]]) {
        self.ids = ids
        self.logProbability = logProbability
        self.score = score
        self.alignments = alignments
    }
}
