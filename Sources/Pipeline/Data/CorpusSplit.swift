import Tensor
import Tokenize

/// Cuts dev and test sets out of a parallel corpus so that no source sentence is in two of
/// train, dev and test: pairs are grouped by their source's `key` (normalised as `PairFilter`
/// does, then case-folded), so the several translations one English sentence has in the Anki file
/// stay together.
///
/// Deterministic and independent of line order: the distinct keys are sorted, shuffled by a
/// generator seeded with `seed`, and the first `testSentences` keys go to test, the next
/// `devSentences` to dev, the rest to train. Every split keeps the pairs in file order.
public struct CorpusSplit: Equatable, Sendable {
    public var train: [SentencePair]
    public var dev: [SentencePair]
    public var test: [SentencePair]
    /// Distinct source sentences (after `key`) in the corpus: test has `testSentences` of them,
    /// dev `devSentences`, train the rest.
    public var distinctSources: Int

    /// - Parameters:
    ///   - devSentences, testSentences: distinct source sentences (after `key`) in dev and in test;
    ///     together fewer than the corpus has.
    public init(_ pairs: [SentencePair], devSentences: Int, testSentences: Int, seed: UInt64) throws(DataError) {
        let keys = pairs.map { Self.key($0.source) }
        var distinct = Array(Set(keys))
        guard devSentences >= 0, testSentences >= 0, devSentences + testSentences < distinct.count else {
            throw DataError(path: "", "\(devSentences) dev and \(testSentences) test sentences leave no training sentence "
                            + "of the \(distinct.count) distinct source sentences")
        }
        distinctSources = distinct.count
        distinct.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var generator = SeededGenerator(seed: seed ^ 0x5B11_7CE5)
        distinct.shuffle(using: &generator)
        var split: [String: Int] = [:]  // 0 test, 1 dev; absent: train
        for key in distinct.prefix(testSentences) { split[key] = 0 }
        for key in distinct.dropFirst(testSentences).prefix(devSentences) { split[key] = 1 }
        train = []
        dev = []
        test = []
        for (pair, key) in zip(pairs, keys) {
            switch split[key] {
            case 0: test.append(pair)
            case 1: dev.append(pair)
            default: train.append(pair)
            }
        }
    }

    private static let fold = TextNormalizer(form: .nfc, caseMapping: .fold)

    /// The sentence as the split compares it: `PairFilter.normalize`d, case-folded.
    public static func key(_ sentence: String) -> String { fold.apply(PairFilter.normalize(sentence)) }
}
