import Foundation

/// Corpus BLEU (Papineni et al., 2002) with the numbers of sacreBLEU 2.x's defaults,
/// `sacrebleu.corpus_bleu(hypotheses, [references])`: one reference per segment, mixed case, the
/// 13a tokenizer (`BLEUTokenizer13a`, applied to each segment with trailing whitespace removed), max
/// order 4, smoothing "exp", no effective order. Over the corpus, with m_n the clipped n-gram
/// matches, t_n the hypothesis n-grams, c the hypothesis tokens and r the reference tokens:
///
///     p_n  = 100 · m_n / t_n                          (percent)
///     p_n  = 100 / (2^k · t_n)    if m_n = 0 and this is the k-th order with no match ("exp",
///                                 NIST's mteval-v13a smoothing)
///     BP   = 1 if c ≥ r,  exp(1 − r / c) if 0 < c < r,  0 if c = 0
///     BLEU = BP · exp( (1/4) Σ_{n=1..4} log p_n )     (0-100)
///
/// and sacreBLEU's special cases: with no match of any order BLEU and every p_n are 0; from the
/// first order with t_n = 0 on, p_n = 0 and log 0 counts as −9999999999, so BLEU is 0 (a corpus of
/// segments shorter than 4 tokens scores 0 even when it equals the references).
///
/// The statistics are sums over segments (`Statistics`), so a training loop can compute them once
/// per decoded sentence and add them up; `BLEUScore(statistics:)` does the rest. The floating-point
/// steps are sacreBLEU's, in its order, so the numbers are the same to the last bit given the same
/// `log` and `exp` (checked against sacreBLEU 2.6.0 in BLEUTests).
public struct BLEUScore: Equatable, Sendable, Codable, CustomStringConvertible {
    /// The largest n-gram order, 4.
    public static let maxOrder = 4

    /// Sufficient statistics of BLEU: token and n-gram counts, additive over segments.
    public struct Statistics: Hashable, Sendable, Codable {
        /// c: hypothesis tokens.
        public var hypothesisLength: Int
        /// r: reference tokens.
        public var referenceLength: Int
        /// m_1 ... m_4: clipped matches, Σ over distinct hypothesis n-grams of
        /// min(count in hypothesis, count in reference).
        public var matches: [Int]
        /// t_1 ... t_4: hypothesis n-grams, max(0, tokens − n + 1) per segment.
        public var totals: [Int]

        /// Zero counts: the statistics of an empty corpus.
        public init() {
            hypothesisLength = 0
            referenceLength = 0
            matches = [Int](repeating: 0, count: BLEUScore.maxOrder)
            totals = matches
        }

        /// The statistics of one segment: both sides tokenized as sacreBLEU does (13a after `rstrip`).
        public init(hypothesis: String, reference: String) {
            self.init(hypothesisTokens: Self.tokens(hypothesis), referenceTokens: Self.tokens(reference))
        }

        /// The statistics of one segment given its tokens; tokens are equal when their Unicode
        /// scalars are (not under canonical equivalence).
        init(hypothesisTokens: [ArraySlice<Unicode.Scalar>], referenceTokens: [ArraySlice<Unicode.Scalar>]) {
            self.init()
            hypothesisLength = hypothesisTokens.count
            referenceLength = referenceTokens.count
            // Token ids local to the segment, so that n-grams pack into 128 bits.
            var ids: [ArraySlice<Unicode.Scalar>: UInt32] = [:]
            func id(_ token: ArraySlice<Unicode.Scalar>) -> UInt32 {
                if let known = ids[token] { return known }
                let new = UInt32(ids.count)
                ids[token] = new
                return new
            }
            let hypothesis = hypothesisTokens.map(id)
            let reference = referenceTokens.map(id)
            for n in 1...BLEUScore.maxOrder where hypothesis.count >= n {
                let hypothesisNGrams = (0...(hypothesis.count - n)).lazy.map { PackedNGram(ids: hypothesis[$0..<($0 + n)]) }
                let referenceNGrams = (0..<max(0, reference.count - n + 1)).lazy.map { PackedNGram(ids: reference[$0..<($0 + n)]) }
                totals[n - 1] = hypothesis.count - n + 1
                matches[n - 1] = PackedNGram.clippedMatches(hypothesis: hypothesisNGrams, reference: referenceNGrams)
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
            lhs.hypothesisLength += rhs.hypothesisLength
            lhs.referenceLength += rhs.referenceLength
            for n in 0..<BLEUScore.maxOrder {
                lhs.matches[n] += rhs.matches[n]
                lhs.totals[n] += rhs.totals[n]
            }
        }

        /// sacreBLEU's `BLEU._preprocess_segment`: `Tokenizer13a()(segment.rstrip())`.
        static func tokens(_ segment: String) -> [ArraySlice<Unicode.Scalar>] {
            BLEUTokenizer13a().scalarTokens(PythonText.rstrip(Array(segment.unicodeScalars)))
        }
    }

    /// The corpus counts the score is computed from.
    public var statistics: Statistics
    /// BLEU, 0-100.
    public var score: Double
    /// p_1 ... p_4 in percent, after smoothing.
    public var precisions: [Double]
    /// BP.
    public var brevityPenalty: Double
    /// c / r (0 when r = 0).
    public var ratio: Double
    /// c: hypothesis tokens.
    public var hypothesisLength: Int { statistics.hypothesisLength }
    /// r: reference tokens.
    public var referenceLength: Int { statistics.referenceLength }

    /// The tokens BLEU counts for a segment: `BLEUTokenizer13a` applied to the segment without its
    /// trailing whitespace (sacreBLEU's `Tokenizer13a()(segment.rstrip())`).
    public static func tokens(_ segment: String) -> [String] {
        Statistics.tokens(segment).map { token in
            var text = String.UnicodeScalarView()
            text.append(contentsOf: token)
            return String(text)
        }
    }

    /// BLEU of `hypotheses` against `references`, one reference per hypothesis (same count).
    public static func corpus(hypotheses: [String], references: [String]) -> BLEUScore {
        precondition(hypotheses.count == references.count,
                     "BLEU: \(hypotheses.count) hypotheses but \(references.count) references")
        var statistics = Statistics()
        for (hypothesis, reference) in zip(hypotheses, references) {
            statistics.add(hypothesis: hypothesis, reference: reference)
        }
        return BLEUScore(statistics: statistics)
    }

    /// The score of summed statistics (sacreBLEU's `BLEU.compute_bleu`, same operations in the same
    /// order).
    public init(statistics: Statistics) {
        self.statistics = statistics
        let c = statistics.hypothesisLength, r = statistics.referenceLength
        brevityPenalty = c < r ? (c > 0 ? exp(1 - Double(r) / Double(c)) : 0) : 1
        ratio = r > 0 ? Double(c) / Double(r) : 0
        precisions = [Double](repeating: 0, count: Self.maxOrder)
        guard statistics.matches.contains(where: { $0 != 0 }) else {
            score = 0
            return
        }
        var smoothing = 1.0
        for n in 0..<Self.maxOrder {
            let matches = statistics.matches[n], total = statistics.totals[n]
            if total == 0 { break }
            if matches == 0 {
                smoothing *= 2
                precisions[n] = 100 / (smoothing * Double(total))
            } else {
                precisions[n] = 100 * Double(matches) / Double(total)
            }
        }
        var sumOfLogs = 0.0
        for p in precisions { sumOfLogs += p == 0 ? -9999999999 : log(p) }
        score = brevityPenalty * exp(sumOfLogs / Double(Self.maxOrder))
    }

    /// sacreBLEU's score line, `str(BLEUScore)`:
    /// "BLEU = 35.12 67.1/42.3/28.9/20.0 (BP = 0.981 ratio = 0.981 hyp_len = 1853 ref_len = 1889)".
    public var description: String {
        let precisionText = precisions.map { String(format: "%.1f", $0) }.joined(separator: "/")
        return String(format: "BLEU = %.2f ", score) + precisionText
            + String(format: " (BP = %.3f ratio = %.3f hyp_len = %ld ref_len = %ld)",
                     brevityPenalty, ratio, hypothesisLength, referenceLength)
    }
}
