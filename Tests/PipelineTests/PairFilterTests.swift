import Pipeline
import XCTest

/// Normalisation and the filters a translation corpus goes through before training, and their report.
final class PairFilterTests: XCTestCase {
    func pairs(_ sides: [(String, String)]) -> ParallelCorpus {
        ParallelCorpus(pairs: sides.enumerated().map { SentencePair(source: $1.0, target: $1.1, line: $0 + 1) })
    }

    func testNormalisationComposesAndFoldsWhitespaceAndDropsZeroWidthCharacters() {
        XCTAssertEqual(PairFilter.normalize("Cafe\u{301}\u{A0}au\tlait\u{200B} \u{202F}!"), "Café au lait !")
        XCTAssertEqual(PairFilter.normalize("  two   spaces  "), "two spaces")
        XCTAssertEqual(PairFilter.normalize("\u{FEFF}Hi."), "Hi.")
        XCTAssertEqual(PairFilter.normalize("\u{200B}"), "")
    }

    func testIdenticalSidesLengthRatioAndDuplicatesAreDroppedAndCounted() {
        var filter = PairFilter(maximumLengthRatio: 3)
        let corpus = pairs([
            ("Hello.", "Hallo."),
            ("Hello.", "Hallo."),                       // duplicate
            ("Hello.\u{A0}", "Hallo."),                 // duplicate after normalisation
            ("Hello.", "Servus."),                      // another translation: kept
            ("Berlin", "Berlin"),                       // identical
            ("Yes", "Ja, das ist ganz genau so richtig, mein Freund."),  // (1+1) against (9+1): ratio 5
            ("Hi.", "Grüß Gott!"),                      // (1+1) against (2+1): ratio 1.5, kept
        ])
        let (kept, report) = filter.filter(corpus, name: "a.tsv")
        XCTAssertEqual(kept.map(\.line), [1, 4, 7])
        XCTAssertEqual(report.read, 7)
        XCTAssertEqual(report.kept, 3)
        XCTAssertEqual(report.dropped, [.duplicate: 2, .identical: 1, .lengthRatio: 1])
        XCTAssertEqual(report.summary, "a.tsv: 7 pairs read, 3 kept; dropped 1 source equals target, 1 over the length ratio, 2 duplicate")
        // A later corpus's copy of a kept pair is a duplicate too.
        let (second, secondReport) = filter.filter(pairs([("Hello.", "Hallo."), ("Good night.", "Gute Nacht.")]), name: "b")
        XCTAssertEqual(second.map(\.source), ["Good night."])
        XCTAssertEqual(secondReport.dropped, [.duplicate: 1])
    }

    func testWithoutARatioLimitOnlyIdenticalAndDuplicatePairsGoAndSkippedPairsAreReported() {
        var filter = PairFilter(maximumLengthRatio: nil)
        let corpus = ParallelCorpus(pairs: [SentencePair(source: "Yes", target: "Ja, das ist ganz genau so richtig.", line: 1)],
                                    skipped: [DataError(path: "x", line: 2, "empty target")])
        let (kept, report) = filter.filter(corpus, name: "x")
        XCTAssertEqual(kept.count, 1)
        XCTAssertEqual(report.summary, "x: 2 pairs read, 1 kept; dropped 1 bad (--on-bad-pair skip)")
    }
}
