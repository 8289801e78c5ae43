import Pipeline
import XCTest

/// BLEUTokenizer13a, BLEUScore and ChrFScore against sacreBLEU 2.6.0's defaults on the committed
/// fixture (Scripts/fixtures/sacrebleu_fixtures.py writes it; Python is not needed here).
///
/// Integer statistics (token and n-gram counts) and the printed score lines must be equal; the
/// floating-point numbers (score, precisions, BP, ratio, chrF) must agree to 1e-9 relative (and be
/// exactly 0 where sacreBLEU's are). The Swift code does sacreBLEU's operations in its order, so on
/// this machine they agree to the last bit; the tolerance only leaves room for another `libm`'s
/// `log` and `exp`, or Python ≥ 3.12's compensated `sum`, when the fixture is regenerated.
final class BLEUTests: XCTestCase {
    private static let relativeTolerance = 1e-9

    private func assertClose(_ actual: Double, _ expected: Double, _ what: @autoclosure () -> String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLessThanOrEqual(abs(actual - expected), Self.relativeTolerance * abs(expected),
                                 "\(what()): \(actual), sacreBLEU \(expected)", file: file, line: line)
    }

    /// Strings compared as Unicode scalars: `String ==` would accept canonically equivalent spellings.
    private func assertSameScalars(_ actual: String, _ expected: String, _ what: @autoclosure () -> String,
                                   file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.unicodeScalars.map(\.value), expected.unicodeScalars.map(\.value),
                       "\(what()): \(actual.debugDescription), sacreBLEU \(expected.debugDescription)",
                       file: file, line: line)
    }

    func testFixtureCoversTheTrickyCases() throws {
        let fixture = try SacreBLEUFixture.load()
        XCTAssertEqual(fixture.sacrebleuVersion, "2.6.0")
        XCTAssertEqual(fixture.cases.map(\.name), [
            "punctuation", "numbers", "hyphens_and_newlines", "quotes_and_entities", "german",
            "canonical_equivalence", "unicode_digits_punctuation_spaces", "empty_hypothesis",
            "all_hypotheses_empty", "empty_reference", "hypothesis_longer_than_reference", "no_4gram_matches",
            "no_3gram_or_4gram_matches", "no_4grams_at_all", "no_matches", "perfect", "short_for_chrf",
            "synthetic_200",
        ])
        let bleu = fixture.cases.map(\.bleu)
        XCTAssertTrue(bleu.contains { $0.counts[3] == 0 && $0.totals[3] > 0 && $0.score > 0 }, "exp smoothing at order 4")
        XCTAssertTrue(bleu.contains { $0.counts[2] == 0 && $0.counts[3] == 0 && $0.totals[3] > 0 && $0.score > 0 }, "exp smoothing twice")
        XCTAssertTrue(bleu.contains { $0.totals[3] == 0 && $0.counts[0] > 0 }, "no 4-grams at all")
        XCTAssertTrue(bleu.contains { $0.counts == [0, 0, 0, 0] && $0.totals[0] > 0 }, "no matches")
        XCTAssertTrue(bleu.contains { $0.sysLen > $0.refLen }, "hypotheses longer than references")
        XCTAssertTrue(bleu.contains { $0.sysLen == 0 && $0.refLen > 0 }, "only empty hypotheses")
        XCTAssertTrue(bleu.contains { 0 < $0.bp && $0.bp < 1 }, "a brevity penalty")
        XCTAssertTrue(fixture.cases.contains { $0.hypotheses.contains("") && $0.bleu.sysLen > 0 }, "an empty hypothesis")
        XCTAssertTrue(fixture.cases.contains { $0.references.contains("") && $0.bleu.refLen > 0 }, "an empty reference")
        let synthetic = try XCTUnwrap(fixture.cases.last)
        XCTAssertEqual(synthetic.hypotheses.count, 200)
        XCTAssertGreaterThan(synthetic.bleu.refLen, 3000)

        let inputs = fixture.tokenizer.map(\.input)
        XCTAssertGreaterThan(inputs.count, 100)
        for needle in ["&quot;", "&amp;", "&lt;", "&gt;", "<skipped>", "-\n", "1,000.50", "3,5", "12.03.2021",
                       "ß", "\u{1E9E}", "u\u{308}", "\u{A0}", "\u{3000}", "\u{85}", "\u{200B}", "\u{663}.\u{665}", "„"] {
            XCTAssertTrue(inputs.contains { $0.unicodeScalars.map(\.value).contains(needle.unicodeScalars.map(\.value)) },
                          "tokenizer inputs contain \(needle.debugDescription)")
        }
    }

    func testTokenizerEqualsSacreBLEU13a() throws {
        let fixture = try SacreBLEUFixture.load()
        let tokenizer = BLEUTokenizer13a()
        for sample in fixture.tokenizer {
            assertSameScalars(tokenizer(sample.input), sample.tokenized, "13a \(sample.input.debugDescription)")
            assertSameScalars(BLEUScore.tokens(sample.input).joined(separator: " "), sample.bleuPreprocessed,
                              "BLEU tokens \(sample.input.debugDescription)")
        }
    }

    /// A few of the fixture's rules spelled out (values from sacreBLEU 2.6.0).
    func testTokenizerExamples() {
        let tokenizer = BLEUTokenizer13a()
        XCTAssertEqual(tokenizer.tokens("1,000.50 dollars."), ["1,000.50", "dollars", "."])
        XCTAssertEqual(tokenizer("Er sagte: \"3,5 km.\""), "Er sagte : \" 3,5 km . \"")
        XCTAssertEqual(tokenizer("U.S. e-mail 10-20"), "U . S . e-mail 10 - 20")
        XCTAssertEqual(tokenizer("1--2"), "1 - -2")
        XCTAssertEqual(tokenizer("&amp;lt; &quot;x&quot; &apos;"), "< \" x \" & apos ;")
        XCTAssertEqual(tokenizer("well-\nknown <skipped>line\ntwo"), "wellknown line two")
        XCTAssertEqual(tokenizer("\u{663}.\u{665} and 3.5"), "\u{663} . \u{665} and 3.5")   // [0-9] is ASCII only
        XCTAssertEqual(tokenizer.tokens("a\u{A0}b\u{3000}c\u{200B}d"), ["a", "b", "c\u{200B}d"])
        // The tokenizer joins "-\n"; BLEU first strips the trailing newline, so the hyphen stays.
        XCTAssertEqual(tokenizer("ends-\n"), "ends")
        XCTAssertEqual(BLEUScore.tokens("ends-\n"), ["ends-"])
        XCTAssertEqual(tokenizer(""), "")
        XCTAssertEqual(BLEUScore.tokens(" \t\n"), [])
    }

    func testBLEUEqualsSacreBLEU() throws {
        let fixture = try SacreBLEUFixture.load()
        for sample in fixture.cases {
            let expected = sample.bleu, name = sample.name
            let bleu = BLEUScore.corpus(hypotheses: sample.hypotheses, references: sample.references)
            XCTAssertEqual(bleu.hypothesisLength, expected.sysLen, name)
            XCTAssertEqual(bleu.referenceLength, expected.refLen, name)
            XCTAssertEqual(bleu.statistics.matches, expected.counts, name)
            XCTAssertEqual(bleu.statistics.totals, expected.totals, name)
            assertClose(bleu.score, expected.score, "\(name) score")
            XCTAssertEqual(bleu.precisions.count, 4, name)
            for (n, (actual, reference)) in zip(bleu.precisions, expected.precisions).enumerated() {
                assertClose(actual, reference, "\(name) precision \(n + 1)")
            }
            assertClose(bleu.brevityPenalty, expected.bp, "\(name) BP")
            assertClose(bleu.ratio, expected.ratio, "\(name) ratio")
            XCTAssertEqual(bleu.description, expected.formatted, name)
        }
    }

    func testChrFEqualsSacreBLEU() throws {
        let fixture = try SacreBLEUFixture.load()
        for sample in fixture.cases {
            let expected = sample.chrf, name = sample.name
            let chrF = ChrFScore.corpus(hypotheses: sample.hypotheses, references: sample.references)
            let s = chrF.statistics
            let flattened = (0..<ChrFScore.characterOrder).flatMap { [s.hypothesis[$0], s.reference[$0], s.matches[$0]] }
            XCTAssertEqual(flattened, expected.statistics, name)
            assertClose(chrF.score, expected.score, "\(name) chrF")
            XCTAssertEqual(chrF.description, expected.formatted, name)
        }
    }

    /// Statistics computed once per segment and added up, in any grouping, give the corpus score.
    func testStatisticsAddUpSegmentBySegment() throws {
        let fixture = try SacreBLEUFixture.load()
        let sample = try XCTUnwrap(fixture.cases.last)
        let pairs = Array(zip(sample.hypotheses, sample.references))
        let segmentsBLEU = pairs.map { BLEUScore.Statistics(hypothesis: $0.0, reference: $0.1) }
        let segmentsChrF = pairs.map { ChrFScore.Statistics(hypothesis: $0.0, reference: $0.1) }

        var bleuInBatches = BLEUScore.Statistics(), chrFInBatches = ChrFScore.Statistics()
        for start in stride(from: 0, to: pairs.count, by: 32) {
            let batch = start..<min(start + 32, pairs.count)
            bleuInBatches += segmentsBLEU[batch].reversed().reduce(BLEUScore.Statistics(), +)
            chrFInBatches += segmentsChrF[batch].reversed().reduce(ChrFScore.Statistics(), +)
        }
        var bleuAdded = BLEUScore.Statistics(), chrFAdded = ChrFScore.Statistics()
        for (hypothesis, reference) in pairs {
            bleuAdded.add(hypothesis: hypothesis, reference: reference)
            chrFAdded.add(hypothesis: hypothesis, reference: reference)
        }

        let bleu = BLEUScore.corpus(hypotheses: sample.hypotheses, references: sample.references)
        XCTAssertEqual(bleuInBatches, bleu.statistics)
        XCTAssertEqual(bleuAdded, bleu.statistics)
        XCTAssertEqual(BLEUScore(statistics: bleuInBatches), bleu)
        XCTAssertEqual(bleu.description, sample.bleu.formatted)
        let chrF = ChrFScore.corpus(hypotheses: sample.hypotheses, references: sample.references)
        XCTAssertEqual(chrFInBatches, chrF.statistics)
        XCTAssertEqual(chrFAdded, chrF.statistics)
        XCTAssertEqual(ChrFScore(statistics: chrFInBatches), chrF)
        XCTAssertEqual(chrF.description, sample.chrf.formatted)

        // Each segment's totals are its own n-gram counts.
        for (segment, (hypothesis, _)) in zip(segmentsBLEU, pairs) {
            let c = BLEUScore.tokens(hypothesis).count
            XCTAssertEqual(segment.hypothesisLength, c)
            XCTAssertEqual(segment.totals, (1...4).map { max(0, c - $0 + 1) })
        }
    }

    /// sacreBLEU compares code points: "Müller" written with U+00FC and with u + U+0308 are different
    /// words (and different characters for chrF), though Swift's `==` calls them equal.
    func testCanonicallyEquivalentSpellingsDoNotMatch() {
        let precomposed = "M\u{FC}ller f\u{E4}hrt heute nach Hause", decomposed = "Mu\u{308}ller f\u{E4}hrt heute nach Hause"
        XCTAssertEqual(precomposed, decomposed)
        let bleu = BLEUScore.corpus(hypotheses: [precomposed], references: [decomposed])
        XCTAssertEqual(bleu.description, "BLEU = 66.87 80.0/75.0/66.7/50.0 (BP = 1.000 ratio = 1.000 hyp_len = 5 ref_len = 5)")
        XCTAssertEqual(ChrFScore.corpus(hypotheses: ["M\u{FC}ller"], references: ["Mu\u{308}ller"]).description, "chrF2 = 32.22")
        XCTAssertEqual(ChrFScore.corpus(hypotheses: ["Mu\u{308}ller"], references: ["Mu\u{308}ller"]).score, 100)
    }

    /// sacreBLEU's corpus_bleu fails on an empty list (it reads hypotheses[0]); these are the values of
    /// its BLEU.compute_bleu and CHRF._compute_score_from_stats on zero statistics.
    func testEmptyCorpusScoresZero() {
        let bleu = BLEUScore.corpus(hypotheses: [], references: [])
        XCTAssertEqual(bleu.score, 0)
        XCTAssertEqual(bleu.description, "BLEU = 0.00 0.0/0.0/0.0/0.0 (BP = 1.000 ratio = 0.000 hyp_len = 0 ref_len = 0)")
        XCTAssertEqual(ChrFScore.corpus(hypotheses: [], references: []).score, 0)
    }
}
