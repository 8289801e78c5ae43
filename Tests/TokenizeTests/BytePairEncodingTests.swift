import Foundation
import Tokenize
import XCTest

final class BytePairEncodingTests: XCTestCase {
    typealias Merge = BytePairEncoding.Merge

    /// Sennrich et al.'s example (low 5, lower 2, newest 6, widest 3), words marked with ▁.
    static let sennrich = ["▁low": 5, "▁lower": 2, "▁newest": 6, "▁widest": 3]

    /// Worked by hand. Initial pair counts: e s 9, s t 9, w e 8, ▁ l 7, l o 7, o w 7, ▁ n 6, n e 6,
    /// e w 6, ▁ w 3, w i 3, i d 3, d e 3, e r 2. Ties go to the smaller pair in code point order,
    /// and ▁ (U+2581) sorts after every ASCII letter.
    ///  1. e s 9 (ties s t 9)                  → ▁ n e w es t, ▁ w i d es t; w e drops to 2
    ///  2. es t 9                              → ▁ n e w est, ▁ w i d est
    ///  3. l o 7 (ties ▁ l, o w)               → ▁ lo w, ▁ lo w e r
    ///  4. lo w 7 (ties ▁ lo)                  → ▁ low, ▁ low e r
    ///  5. ▁ low 7                             → ▁low, ▁low e r
    ///  6. e w 6 (ties ▁ n, n e, w est)        → ▁ n ew est
    ///  7. ew est 6 (ties ▁ n, n ew)           → ▁ n ewest
    ///  8. n ewest 6 (ties ▁ n)                → ▁ newest
    ///  9. ▁ newest 6                          → ▁newest
    /// 10. d est 3 (ties ▁ w, w i, i d)        → ▁ w i dest
    /// 11. i dest 3 (ties ▁ w, w i)            → ▁ w idest
    /// 12. w idest 3 (ties ▁ w)                → ▁ widest
    /// 13. ▁ widest 3                          → ▁widest
    /// 14. e r 2 (ties ▁low e)                 → ▁low er
    /// 15. ▁low er 2                           → ▁lower; every word is one symbol, nothing is left.
    static let sennrichMerges = [
        Merge("e", "s"), Merge("es", "t"), Merge("l", "o"), Merge("lo", "w"), Merge("▁", "low"),
        Merge("e", "w"), Merge("ew", "est"), Merge("n", "ewest"), Merge("▁", "newest"),
        Merge("d", "est"), Merge("i", "dest"), Merge("w", "idest"), Merge("▁", "widest"),
        Merge("e", "r"), Merge("▁low", "er"),
    ]

    func testLearnsSennrichsExampleAsWorkedByHand() {
        let bpe = BytePairEncoding.learn(wordCounts: Self.sennrich, merges: 100)
        XCTAssertEqual(bpe.merges, Self.sennrichMerges)
        // A limit stops early; the first merges are the same.
        XCTAssertEqual(BytePairEncoding.learn(wordCounts: Self.sennrich, merges: 4).merges, Array(Self.sennrichMerges.prefix(4)))
        XCTAssertEqual(BytePairEncoding.learn(wordCounts: Self.sennrich, merges: 0).merges, [])
        // Merges 14 and 15 occur only twice (in "lower").
        XCTAssertEqual(BytePairEncoding.learn(wordCounts: Self.sennrich, merges: 100, minimumFrequency: 3).merges,
                       Array(Self.sennrichMerges.prefix(13)))
        XCTAssertEqual(BytePairEncoding.learn(wordCounts: Self.sennrich, merges: 100, minimumFrequency: 10).merges, [])
    }

    func testSegmentingTheTrainingWordsReplaysLearning() {
        let bpe = BytePairEncoding.learn(wordCounts: Self.sennrich, merges: 4)
        XCTAssertEqual(bpe.segment("▁lower"), ["▁", "low", "e", "r"])
        XCTAssertEqual(bpe.segment("▁newest"), ["▁", "n", "e", "w", "est"])
        XCTAssertEqual(bpe.segment("▁widest"), ["▁", "w", "i", "d", "est"])
        let full = BytePairEncoding(merges: Self.sennrichMerges)
        for word in Self.sennrich.keys { XCTAssertEqual(full.segment(word), [word]) }
    }

    func testSegmentAppliesMergesByRankNotByPosition() {
        // Left to right would merge "a b" first; rank order merges "b c" first.
        XCTAssertEqual(BytePairEncoding(merges: [Merge("b", "c"), Merge("a", "b")]).segment("abc"), ["a", "bc"])
        XCTAssertEqual(BytePairEncoding(merges: [Merge("a", "b"), Merge("b", "c")]).segment("abc"), ["ab", "c"])
        // Sennrich's unseen "lowest": e s, es t before l o, lo w, ▁ low.
        let bpe = BytePairEncoding(merges: Self.sennrichMerges)
        XCTAssertEqual(bpe.segment("▁lowest"), ["▁low", "est"])
        // e w (rank 5) before e r (rank 13); nothing joins ▁ and n without "ewest".
        XCTAssertEqual(bpe.segment("▁newer"), ["▁", "n", "ew", "er"])
        // A merge applies to every non-overlapping occurrence, left to right.
        XCTAssertEqual(BytePairEncoding(merges: [Merge("a", "a")]).segment("aaaaa"), ["aa", "aa", "a"])
        // An unmarked word never takes a marked piece.
        XCTAssertEqual(bpe.segment("low"), ["low"])
        XCTAssertEqual(bpe.segment("lowlow"), ["low", "low"])
    }

    func testUnknownCharactersStaySingleCharacters() {
        let bpe = BytePairEncoding(merges: Self.sennrichMerges)
        XCTAssertEqual(bpe.segment("▁lowßt😀"), ["▁low", "ß", "t", "😀"])
        // Grapheme clusters are single symbols: a decomposed é, a family emoji, a flag.
        XCTAssertEqual(bpe.segment("e\u{301}st"), ["e\u{301}", "s", "t"])
        XCTAssertEqual(bpe.segment("👩‍👩‍👧🇩🇪"), ["👩‍👩‍👧", "🇩🇪"])
        XCTAssertEqual(bpe.segment(""), [])
        XCTAssertEqual(bpe.segment("▁"), ["▁"])
        XCTAssertEqual(BytePairEncoding().segment("▁Mann"), ["▁", "M", "a", "n", "n"])
    }

    func testCachedAndUncachedSegmentsAgree() {
        let bpe = BytePairEncoding(merges: Self.sennrichMerges)
        let words = ["▁lowest", "▁newer", "▁widest", "lowlow", "▁lowßt"]
        let first = words.map(bpe.segment)
        // The second round comes from the cache; a copy shares it.
        let copy = bpe
        XCTAssertEqual(words.map(copy.segment), first)
        XCTAssertEqual(words.map(bpe.segment), first)
    }

    func testOneEncodingServesSeveralThreads() {
        let bpe = BytePairEncoding.learn(wordCounts: Self.syntheticCounts(words: 2000, seed: 5), merges: 300)
        // Many distinct words, so that the shared cache grows (and rehashes) while threads read it.
        var generator = SplitMix(seed: 9)
        let letters = Array("abcdeäst▁lonwiß")
        let words = (0..<40_000).map { _ in
            String((0..<Int.random(in: 2...9, using: &generator)).map { _ in letters.randomElement(using: &generator)! })
        }
        let expected = words.map(BytePairEncoding(merges: bpe.merges).segment)
        let mismatches = Mismatches()
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            // Each thread walks the words from another starting point.
            for k in words.indices {
                let i = (k + thread * words.count / 4) % words.count
                if bpe.segment(words[i]) != expected[i] { mismatches.add() }
            }
        }
        XCTAssertEqual(mismatches.count, 0)
    }

    private final class Mismatches: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        var count: Int { lock.withLock { value } }
        func add() { lock.withLock { value += 1 } }
    }

    func testTiesGoToTheSmallestPairInCodePointOrder() {
        // All pairs occur 3 times: "A B" < "a b" < "b c" < "ä ö" < "▁ x" by bytes.
        let counts = ["ab": 3, "AB": 3, "äö": 3, "▁x": 3, "bc": 3]
        XCTAssertEqual(BytePairEncoding.learn(wordCounts: counts, merges: 10).merges,
                       [Merge("A", "B"), Merge("a", "b"), Merge("b", "c"), Merge("ä", "ö"), Merge("▁", "x")])
        // a b 4 and b c 4 tie in the same word: "a" < "b".
        let overlap = BytePairEncoding.learn(wordCounts: ["abc": 2, "xbc": 2, "aby": 2], merges: 1)
        XCTAssertEqual(overlap.merges, [Merge("a", "b")])
    }

    func testRepeatedSymbolsCountEveryAdjacentPair() {
        // "a a a" holds the pair a a twice (subword-nmt counts the same way); merging it leaves "aa a".
        let bpe = BytePairEncoding.learn(wordCounts: ["aaa": 1, "ab": 1], merges: 10)
        XCTAssertEqual(bpe.merges, [Merge("a", "a")])
        XCTAssertEqual(bpe.segment("aaa"), ["aa", "a"])
    }

    func testLearningIsDeterministicWhateverTheDictionaryOrder() {
        let counts = Self.syntheticCounts(words: 400, seed: 7)
        let reference = BytePairEncoding.learn(wordCounts: counts, merges: 300)
        XCTAssertEqual(reference.count, 300)
        for seed in 1...3 {
            // Rebuild the dictionary in another insertion order and with another capacity.
            var generator = SplitMix(seed: UInt64(seed))
            var shuffled: [String: Int] = [:]
            shuffled.reserveCapacity(seed * 1000)
            for (word, count) in counts.sorted(by: { $0.key < $1.key }).shuffled(using: &generator) { shuffled[word] = count }
            XCTAssertEqual(BytePairEncoding.learn(wordCounts: shuffled, merges: 300), reference)
        }
    }

    /// The incremental counts against a learner that recounts every pair at every step.
    func testIncrementalLearningMatchesRecountingEveryStep() {
        for seed in [1, 2, 3] as [UInt64] {
            let counts = Self.syntheticCounts(words: 250, seed: seed)
            for minimumFrequency in [1, 2, 5] {
                let expected = Self.naiveLearn(counts, merges: 400, minimumFrequency: minimumFrequency)
                let learned = BytePairEncoding.learn(wordCounts: counts, merges: 400, minimumFrequency: minimumFrequency)
                XCTAssertGreaterThan(expected.count, minimumFrequency == 5 ? 60 : 200, "too few merges to test much")
                XCTAssertEqual(learned.merges, expected, "seed \(seed), minimum frequency \(minimumFrequency)")
            }
        }
    }

    func testSegmentsConcatenateToTheWord() {
        let counts = Self.syntheticCounts(words: 300, seed: 11)
        let bpe = BytePairEncoding.learn(wordCounts: counts, merges: 200)
        for word in counts.keys {
            let pieces = bpe.segment(word)
            XCTAssertEqual(pieces.joined(), word)
            XCTAssertFalse(pieces.contains(""))
        }
    }

    func testJoinInvertsMarkingAndSegmenting() {
        let bpe = BytePairEncoding(merges: Self.sennrichMerges + [Merge("▁", "w"), Merge("'", "s")])
        for text in ["lowest newer widest", "low", "a b  c", "Wie geht's? Gut, danke.", "Mann's Hund", "ü ö ä ß"] {
            // Mark the whitespace-separated words, segment, join.
            let words = text.split(separator: " ").map { "▁" + $0 }
            let pieces = words.flatMap(bpe.segment)
            XCTAssertEqual(BytePairEncoding.join(pieces), text.split(separator: " ").joined(separator: " "))
        }
        // Unmarked pieces glue to the previous ones; only one leading space goes.
        XCTAssertEqual(BytePairEncoding.join(["▁Hund", ",", "▁3", "-", "mal", "."]), "Hund, 3-mal.")
        XCTAssertEqual(BytePairEncoding.join(["ing", "▁a"]), "ing a")
        XCTAssertEqual(BytePairEncoding.join(["▁", "▁a"]), " a")
        XCTAssertEqual(BytePairEncoding.join([]), "")
    }

    func testCodableRoundTripAndValidation() throws {
        let bpe = BytePairEncoding(merges: Self.sennrichMerges)
        let data = try JSONEncoder().encode(bpe)
        let json = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(json.hasPrefix(#"{"merges":[["e","s"],["es","t"],"#), json)
        let decoded = try JSONDecoder().decode(BytePairEncoding.self, from: data)
        XCTAssertEqual(decoded, bpe)
        XCTAssertEqual(decoded.segment("▁lowest"), ["▁low", "est"])
        for bad in [#"{"merges":[["a"]]}"#, #"{"merges":[["a","b","c"]]}"#, #"{"merges":[["a",""]]}"#,
                    #"{"merges":[["a","b"],["a","b"]]}"#] {
            XCTAssertThrowsError(try JSONDecoder().decode(BytePairEncoding.self, from: Data(bad.utf8)), bad)
        }
    }

    // MARK: Helpers

    /// Words over a small alphabet with shared stems and suffixes (so merges build on merges and
    /// counts tie often), some marked with ▁, with counts 1...9.
    static func syntheticCounts(words: Int, seed: UInt64) -> [String: Int] {
        var generator = SplitMix(seed: seed)
        let stems = ["lo", "ne", "wi", "st", "ab", "aa", "än", "ß"]
        let letters = Array("abcdeäst▁")
        var counts: [String: Int] = [:]
        while counts.count < words {
            var word = Bool.random(using: &generator) ? "▁" : ""
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                word += Bool.random(using: &generator) ? stems.randomElement(using: &generator)!
                    : String(letters.randomElement(using: &generator)!)
            }
            counts[word] = Int.random(in: 1...9, using: &generator)
        }
        return counts
    }

    /// Algorithm 1 of Sennrich et al. as written: recount every pair, merge the best everywhere.
    static func naiveLearn(_ counts: [String: Int], merges: Int, minimumFrequency: Int) -> [Merge] {
        var words = counts.map { (symbols: $0.key.map(String.init), count: $0.value) }
        var result: [Merge] = []
        while result.count < merges {
            var pairs: [Merge: Int] = [:]
            for word in words {
                for i in word.symbols.indices.dropLast() { pairs[Merge(word.symbols[i], word.symbols[i + 1]), default: 0] += word.count }
            }
            let best = pairs.filter { $0.value >= minimumFrequency }.min { a, b in
                if a.value != b.value { return a.value > b.value }
                if a.key.left != b.key.left { return a.key.left.utf8.lexicographicallyPrecedes(b.key.left.utf8) }
                return a.key.right.utf8.lexicographicallyPrecedes(b.key.right.utf8)
            }
            guard let best else { break }
            result.append(best.key)
            for w in words.indices {
                var merged: [String] = []
                var i = 0
                let symbols = words[w].symbols
                while i < symbols.count {
                    if i + 1 < symbols.count && symbols[i] == best.key.left && symbols[i + 1] == best.key.right {
                        merged.append(best.key.result)
                        i += 2
                    } else {
                        merged.append(symbols[i])
                        i += 1
                    }
                }
                words[w].symbols = merged
            }
        }
        return result
    }

    /// A small deterministic generator (SplitMix64), so failures reproduce.
    private struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
