import Tokenize

/// The cleaning every training corpus of a translation run gets before training, corpus by corpus
/// in the order given:
///
/// 1. **normalisation** of both sides (`normalize`): NFC, every run of Unicode whitespace (TAB,
///    U+00A0, U+202F, …) one space, zero-width characters (U+200B, U+2060, U+FEFF) removed;
/// 2. a pair whose normalised sides are equal is dropped (**identical**: untranslated text);
/// 3. a pair whose longer side has more than `maximumLengthRatio` times the words of the shorter,
///    counted as (words + 1) so that one word against three is a ratio of 2, is dropped
///    (**length ratio**: a misalignment, most likely);
/// 4. a pair equal, after normalisation, to one kept earlier in this or an earlier corpus is
///    dropped (**duplicate**).
///
/// Pairs with an empty side or too many words are `ParallelCorpus`'s business (`--on-bad-pair`):
/// they never get here. Each corpus gets a `Report` of what was read, kept and dropped, and why.
public struct PairFilter: Sendable {
    /// Why a pair was dropped.
    public enum Reason: String, CaseIterable, Sendable {
        case identical = "source equals target"
        case lengthRatio = "over the length ratio"
        case duplicate = "duplicate"
    }

    /// What happened to one corpus's pairs.
    public struct Report: Equatable, Sendable {
        public var name: String
        /// Lines read, bad pairs included.
        public var read: Int
        /// Bad pairs left out by `ParallelCorpus` under `--on-bad-pair skip`.
        public var skipped: Int
        public var kept: Int
        public var dropped: [Reason: Int]

        /// `anki.tsv: 150000 pairs read, 149871 kept; dropped 120 duplicate, 9 over the length ratio`.
        public var summary: String {
            var text = "\(name): \(read) pair\(read == 1 ? "" : "s") read, \(kept) kept"
            var parts = Reason.allCases.compactMap { reason in dropped[reason].map { "\($0) \(reason.rawValue)" } }
            if skipped > 0 { parts.insert("\(skipped) bad (--on-bad-pair skip)", at: 0) }
            if !parts.isEmpty { text += "; dropped " + parts.joined(separator: ", ") }
            return text
        }
    }

    /// nil: no limit.
    public var maximumLengthRatio: Double?
    private var seen: Set<PairKey> = []

    /// - Parameter maximumLengthRatio: nil (no limit) or at least 1.
    public init(maximumLengthRatio: Double? = 3) {
        precondition(maximumLengthRatio.map { $0 >= 1 } ?? true, "a length ratio is at least 1")
        self.maximumLengthRatio = maximumLengthRatio
    }

    /// The pairs of `corpus` that pass, normalised, in file order, and the report on them. Pairs
    /// kept are remembered: a later corpus's copies of them are duplicates.
    public mutating func filter(_ corpus: ParallelCorpus, name: String) -> (pairs: [SentencePair], report: Report) {
        var report = Report(name: name, read: corpus.pairs.count + corpus.skipped.count, skipped: corpus.skipped.count,
                            kept: 0, dropped: [:])
        var kept: [SentencePair] = []
        kept.reserveCapacity(corpus.pairs.count)
        for pair in corpus.pairs {
            let source = Self.normalize(pair.source), target = Self.normalize(pair.target)
            let reason: Reason?
            if source == target {
                reason = .identical
            } else if let maximumLengthRatio, Self.lengthRatio(source, target) > maximumLengthRatio {
                reason = .lengthRatio
            } else if !seen.insert(PairKey(source: source, target: target)).inserted {
                reason = .duplicate
            } else {
                reason = nil
            }
            if let reason {
                report.dropped[reason, default: 0] += 1
            } else {
                kept.append(SentencePair(source: source, target: target, line: pair.line))
            }
        }
        report.kept = kept.count
        return (kept, report)
    }

    /// (words + 1) of the longer side over (words + 1) of the shorter; words are the runs between spaces.
    static func lengthRatio(_ a: String, _ b: String) -> Double {
        let wordsA = Double(words(a) + 1), wordsB = Double(words(b) + 1)
        return max(wordsA, wordsB) / min(wordsA, wordsB)
    }

    /// Words of normalised text: one more than its spaces (it has no leading, trailing or double spaces).
    private static func words(_ text: String) -> Int {
        text.isEmpty ? 0 : text.utf8.reduce(1) { $1 == 0x20 ? $0 + 1 : $0 }
    }

    private static let nfc = TextNormalizer(form: .nfc)

    /// NFC; each run of Unicode whitespace one space, none at either end; U+200B, U+2060 and
    /// U+FEFF removed. Applied to training text before filtering, and by `CorpusSplit` to the
    /// sentences it groups.
    public static func normalize(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in nfc.apply(text).unicodeScalars {
            switch scalar.value {
            case 0x200B, 0x2060, 0xFEFF: continue
            default: break
            }
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(" ") }
            pendingSpace = false
            out.append(scalar)
        }
        return String(out)
    }

    private struct PairKey: Hashable {
        var source: String
        var target: String
    }
}
