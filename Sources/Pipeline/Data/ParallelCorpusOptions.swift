/// What `ParallelCorpus` accepts as a sentence pair, and what it does with a pair it cannot use.
public struct ParallelCorpusOptions: Equatable, Encodable, Sendable {
    /// What to do with a pair that has a problem (invalid UTF-8, an empty side, a side that is
    /// too long, too few columns).
    public enum ProblemPolicy: String, CaseIterable, Codable, Sendable {
        /// Throw the first problem, as a `DataError` naming the file and line.
        case fail
        /// Leave the pair out and record the problem in `ParallelCorpus.skipped`.
        case skip
    }

    /// The most whitespace-separated words a side may have; nil: no limit. A longer side is a
    /// problem handled by `policy`.
    public var maximumWords: Int?
    public var policy: ProblemPolicy

    /// - Parameter maximumWords: nil (no limit) or at least 1.
    public init(maximumWords: Int? = nil, policy: ProblemPolicy = .fail) {
        precondition(maximumWords.map { $0 >= 1 } ?? true, "maximumWords must be at least 1 (nil: no limit)")
        self.maximumWords = maximumWords
        self.policy = policy
    }
}
