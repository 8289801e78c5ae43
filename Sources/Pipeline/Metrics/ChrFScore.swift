import Foundation

/// Corpus chrF (Popović, 2015) with the numbers of sacreBLEU 2.x's defaults,
/// `sacrebleu.corpus_chrf(hypotheses, [references])`: one reference per segment, character n-grams
/// of orders 1-6 over each segment with all (Python) whitespace removed, no word n-grams, β = 2,
/// mixed case, no eps smoothing. Over the corpus, with h_n, r_n and m_n the hypothesis, reference
/// and clipped matching character n-grams of order n, and N' the orders with h_n > 0 and r_n > 0:
///
///     P = (1/N') Σ_n m_n / h_n        R = (1/N') Σ_n m_n / r_n        (over those N' orders)
///     chrF_β = 100 · (1 + β²) · P · R / (β² · P + R)                  (0 if P + R = 0)
///
/// A segment contributes h_n = 0 for an order its reference is too short to have (sacreBLEU counts
/// no hypothesis n-grams "if no reference exists for that n-gram"). Characters are Unicode scalars
/// (Python code points), not grapheme clusters, and are compared without canonical equivalence.
///
/// The statistics are sums over segments (`Statistics`); the floating-point steps are sacreBLEU's in
/// its order (checked against sacreBLEU 2.6.0 in BLEUTests).
public struct ChrFScore: Equatable, Sendable, Codable, CustomStringConvertible {
    /// The largest character n-gram order, 6.
    public static let characterOrder = 6
    /// β: recall weighs β times as much as precision.
    public static let beta = 2

    /// Sufficient statistics of chrF: per order n = 1 ... 6, additive over segments.
    public struct Statistics: Hashable, Sendable, Codable {
        /// h_n: hypothesis character n-grams (0 for a segment whose reference has none of order n).
        public var hypothesis: [Int]
        /// r_n: reference character n-grams.
        public var reference: [Int]
        /// m_n: clipped matches.
        public var matches: [Int]

        /// Zero counts: the statistics of an empty corpus.
        public init() {
            hypothesis = [Int](repeating: 0, count: ChrFScore.characterOrder)
            reference = hypothesis
            matches = hypothesis
        }

        /// The statistics of one segment.
        public init(hypothesis: String, reference: String) {
            self.init()
            let h = PythonText.removingWhitespace(hypothesis.unicodeScalars)
            let r = PythonText.removingWhitespace(reference.unicodeScalars)
            for n in 1...ChrFScore.characterOrder {
                let referenceCount = max(0, r.count - n + 1)
                guard referenceCount > 0 else { continue }
                let hypothesisCount = max(0, h.count - n + 1)
                self.reference[n - 1] = referenceCount
                self.hypothesis[n - 1] = hypothesisCount
                self.matches[n - 1] = PackedNGram.clippedMatches(
                    hypothesis: (0..<hypothesisCount).lazy.map { PackedNGram(scalars: h[$0..<($0 + n)]) },
                    reference: (0..<referenceCount).lazy.map { PackedNGram(scalars: r[$0..<($0 + n)]) })
            }
        }

        /// Adds the statistics of one more segment.
        public mutating func add(hypothesis: String, reference: String) {
            self += Statistics(hypothesis: hypothesis, reference: reference)
        }

        public static func + (lhs: Statistics, rhs: Statistics) -> Statistics {
            var sum = lhs
            sum += rhs
            return sum
        }

        public static func += (lhs: inout Statistics, rhs: Statistics) {
            for n in 0..<ChrFScore.characterOrder {
                lhs.hypothesis[n] += rhs.hypothesis[n]
                lhs.reference[n] += rhs.reference[n]
                lhs.matches[n] += rhs.matches[n]
            }
        }
    }

    /// The corpus counts the score is computed from.
    public var statistics: Statistics
    /// chrF2, 0-100.
    public var score: Double

    /// chrF of `hypotheses` against `references`, one reference per hypothesis (same count).
    public static func corpus(hypotheses: [String], references: [String]) -> ChrFScore {
        precondition(hypotheses.count == references.count,
                     "chrF: \(hypotheses.count) hypotheses but \(references.count) references")
        var statistics = Statistics()
        for (hypothesis, reference) in zip(hypotheses, references) {
            statistics.add(hypothesis: hypothesis, reference: reference)
        }
        return ChrFScore(statistics: statistics)
    }

    /// The score of summed statistics (sacreBLEU's `CHRF._compute_f_score` without eps smoothing,
    /// same operations in the same order).
    public init(statistics: Statistics) {
        self.statistics = statistics
        let factor = Double(Self.beta * Self.beta)
        var precision = 0.0, recall = 0.0, effectiveOrder = 0
        for n in 0..<Self.characterOrder {
            let h = statistics.hypothesis[n], r = statistics.reference[n], m = statistics.matches[n]
            if h > 0 && r > 0 {
                precision += Double(m) / Double(h)
                recall += Double(m) / Double(r)
                effectiveOrder += 1
            }
        }
        if effectiveOrder > 0 {
            precision /= Double(effectiveOrder)
            recall /= Double(effectiveOrder)
        }
        if precision + recall != 0 {
            score = 100 * ((1 + factor) * precision * recall / (factor * precision + recall))
        } else {
            score = 0
        }
    }

    /// sacreBLEU's score line, `str(CHRFScore)`: "chrF2 = 55.23".
    public var description: String {
        String(format: "chrF%d = %.2f", Self.beta, score)
    }
}
