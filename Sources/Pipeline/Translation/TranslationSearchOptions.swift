/// How `TranslationModel.translate` searches.
public struct TranslationSearchOptions: Equatable, Sendable {
    /// Hypotheses kept per sentence; 1 is greedy search.
    public var beam = 5
    /// Translations returned per sentence (≤ beam).
    public var nBest = 1
    /// A translation has at most ⌈ratio · source pieces⌉ + 5 pieces.
    public var maximumLengthRatio = 2.0
    /// α in the ranking score log p / (pieces + 1)^α; 0 ranks by log-probability alone.
    public var lengthNormalization = 1.0
    /// Replace each `<unk>` in the output by the source piece it attended to most.
    public var replaceUnknown = true
    /// Sentences decoded together.
    public var batchSize = 64

    public init() {}

    /// The first problem with the options, phrased for a command-line user, or nil.
    public var problem: String? {
        if beam < 1 { return "--beam must be at least 1" }
        if nBest < 1 || nBest > beam { return "--n-best must be between 1 and the beam size (\(beam))" }
        if !(maximumLengthRatio > 0 && maximumLengthRatio <= 1000) { return "--max-length-ratio must be a positive number up to 1000" }
        if !(lengthNormalization >= 0 && lengthNormalization.isFinite) { return "--length-penalty must be 0 or more" }
        if batchSize < 1 { return "--batch-size must be at least 1" }
        return nil
    }
}
