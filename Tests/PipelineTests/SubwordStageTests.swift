import Foundation
import Pipeline
import Tokenize
import XCTest

final class SubwordStageTests: XCTestCase {
    static let english = [
        "A man in a blue shirt is standing on a ladder.",
        "Two young, white males are outside near many bushes.",
        "A little girl's dog doesn't want to play with the other dogs.",
        "Three people sit in a cave, don't they?",
        "The man's hat is red; his son's is blue.",
        "A woman (in a red coat) says: \"Hello!\"",
        "“Curly quotes,” she wrote — and ‘single’ ones too.",
        "The 3-year-old boy scored 10,000 points at 9:30 a.m. on 1/2/2024.",
        "It costs $3.50, or 10% less... what a bargain!",
        "A rock-climber hangs from an over-hang 20 m high.",
        "Rock 'n' roll isn't dead, the dogs' owners said.",
        "Is this the man's or the woman's e-mail address: a.b@example.com?",
    ]
    static let german = [
        "Ein Mann in einem blauen Hemd steht auf einer Leiter.",
        "Zwei junge, weiße Männer sind im Freien in der Nähe vieler Büsche.",
        "Der Hund des Mannes läuft über die Straße, während die Kinder spielen.",
        "Sie sagte: „Das war nicht so gemeint.“",
        "Er rief: »Schön, dass du da bist!«",
        "Ein 3-jähriges Mädchen isst um 10:15 Uhr ein Eis für 2,50 €.",
        "Wie geht's dir heute, Jürgen?",
        "Mann's Hund ist größer als Peters Katze.",
        "Die Fußgänger überqueren die Straße – trotz roter Ampel.",
        "Ärger, Öl und Übermut: Äpfel sind süß!",
        "Am 1. März (ein Montag) fährt der Zug ab.",
        "Ein Schwarz-Weiß-Foto zeigt zwei Frauen mit Sonnenschirmen.",
    ]

    /// The text as the tokenizer sees it: normalized, whitespace runs collapsed, ends trimmed.
    static func expected(_ text: String, _ normalize: NormalizeStage = NormalizeStage()) -> String {
        normalize(text).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func learned(_ merges: Int, tokenize: TokenizeStage = TokenizeStage()) -> SubwordStage {
        SubwordStage(learning: merges, from: english + german, tokenize: tokenize)
    }

    func testRoundTripRestoresTheNormalizedText() {
        let messy = [
            "  A  man\tin a \n blue shirt .  ", "\u{00A0}Ein\u{00A0}Mann\u{2003}läuft.\u{3000}", "Ein\r\nMann\r\n",
            "word", "", "   ", "!!", "Cafe\u{301} au lait", "\"Quoted\" 'words' (in brackets)",
        ]
        for merges in [0, 40, 400] {
            let stage = Self.learned(merges)
            for sentence in Self.english + Self.german + messy {
                XCTAssertEqual(stage.text(from: stage.pieces(of: sentence)), Self.expected(sentence), "\(merges) merges: \(sentence)")
            }
        }
    }

    func testRoundTripIsWithRespectToTheConfiguredNormalization() {
        let normalize = NormalizeStage(form: .nfc, caseMapping: .lowercase, locale: "de")
        let stage = Self.learned(200, tokenize: TokenizeStage(normalize: normalize))
        for sentence in Self.english + Self.german + ["CAFE\u{301} ÜBER ALLES", "Straße"] {
            XCTAssertEqual(stage.text(from: stage.pieces(of: sentence)), Self.expected(sentence, normalize), sentence)
        }
        XCTAssertEqual(stage.text(from: stage.pieces(of: "Cafe\u{301}  ÜBER")), "café über")
        XCTAssertEqual(stage.text(from: stage.pieces(of: "Cafe\u{301}")).unicodeScalars.count, 4, "NFC: é is one scalar")
    }

    func testMarksTheFirstTokenAndTokensAfterWhitespace() {
        let stage = SubwordStage(encoding: BytePairEncoding())
        XCTAssertEqual(stage.words(of: "Ein Mann's Hund, 3-mal."), ["▁Ein", "▁Mann's", "▁Hund", ",", "▁3", "-", "mal", "."])
        XCTAssertEqual(stage.words(of: "Sie sagte: „Hallo“, dann ging sie."),
                       ["▁Sie", "▁sagte", ":", "▁„", "Hallo", "“", ",", "▁dann", "▁ging", "▁sie", "."])
        XCTAssertEqual(stage.words(of: "  don't (stop)"), ["▁don't", "▁(", "stop", ")"])
        // Any Unicode whitespace separates: no-break space, em space, ideographic space, line breaks.
        XCTAssertEqual(stage.words(of: "a\u{00A0}b\u{2003}c\u{3000}d\ne"), ["▁a", "▁b", "▁c", "▁d", "▁e"])
        XCTAssertEqual(stage.words(of: ""), [])
        // With no merges every piece is a character, the marks pieces of their own.
        XCTAssertEqual(stage.pieces(of: "Er, da."), ["▁", "E", "r", ",", "▁", "d", "a", "."])
    }

    func testLearnedPiecesKeepFrequentWordsWholeAndPunctuationApart() {
        let stage = Self.learned(400)
        // Ein, Mann, in and Hund occur in the corpus more than once (after whitespace), Hemd once.
        let pieces = stage.pieces(of: "Ein Mann in einem Hemd, ein Hund.")
        XCTAssertEqual(pieces.filter { ["▁Ein", "▁Mann", "▁in", "▁Hund"].contains($0) }.count, 4, "\(pieces)")
        XCTAssertFalse(pieces.contains("▁Hemd"), "\(pieces)")
        XCTAssertEqual(pieces.filter { $0 == "," || $0 == "." }.count, 2, "punctuation is never merged into a word: \(pieces)")
        // An unseen word breaks into known parts and still comes back whole.
        let unseen = stage.pieces(of: "Übermännerhemden")
        XCTAssertGreaterThan(unseen.count, 1)
        XCTAssertEqual(stage.text(from: unseen), "Übermännerhemden")
    }

    func testLearnsFromAllTextsJointly() {
        let texts = Self.english + Self.german
        var counts: [String: Int] = [:]
        let plain = SubwordStage(encoding: BytePairEncoding())
        for text in texts { for word in plain.words(of: text) { counts[word, default: 0] += 1 } }
        let stage = SubwordStage(learning: 300, from: texts)
        XCTAssertEqual(stage.encoding, BytePairEncoding.learn(wordCounts: counts, merges: 300))
        // Both languages contribute merges.
        let results = Set(stage.encoding.merges.map(\.result))
        XCTAssertTrue(results.contains("▁man") && results.contains("▁Mann"), "\(results.sorted())")
        XCTAssertNotEqual(stage.encoding, SubwordStage(learning: 300, from: Self.english).encoding)
    }

    func testCodableRoundTrip() throws {
        let stage = Self.learned(100, tokenize: TokenizeStage(normalize: NormalizeStage(caseMapping: .lowercase, locale: "de")))
        let data = try JSONEncoder().encode(stage)
        let decoded = try JSONDecoder().decode(SubwordStage.self, from: data)
        XCTAssertEqual(decoded, stage)
        XCTAssertEqual(decoded.encoding.count, 100)
        XCTAssertEqual(decoded.tokenize.normalize.caseMapping, .lowercase)
        for sentence in Self.english + Self.german {
            XCTAssertEqual(decoded.pieces(of: sentence), stage.pieces(of: sentence))
        }
        XCTAssertNotEqual(decoded, SubwordStage(encoding: stage.encoding))  // the same merges, no lowercasing
        XCTAssertNotEqual(decoded.encoding, Self.learned(99, tokenize: decoded.tokenize).encoding)
    }

    func testComposesWithEncodeStage() {
        let stage = Self.learned(400)
        let pieces = stage.pieces(of: "Ein Mann.")
        let vocabulary = Vocabulary(ordinaryTokens: Array(Set(pieces)).sorted(), counts: Array(repeating: 1, count: Set(pieces).count))
        let ids = stage.then(EncodeStage(vocabulary: vocabulary))("Ein Mann.")
        XCTAssertEqual(vocabulary.decode(ids), pieces)
        XCTAssertFalse(ids.contains(Vocabulary.unknownID))
    }

    /// What the documentation says is not restored.
    func testDocumentedLosses() {
        let stage = Self.learned(100)
        // U+2581 is the word-boundary mark: it comes back as a space.
        XCTAssertEqual(stage.text(from: stage.pieces(of: "a▁b")), "a b")
        // Zero-width separators between tokens are dropped without a space.
        XCTAssertEqual(stage.text(from: stage.pieces(of: "a\u{200B}b c")), "ab c")
        // Control characters are kept.
        XCTAssertEqual(stage.text(from: stage.pieces(of: "a\u{1}b c")), "a\u{1}b c")
        // With whitespace tokenization a newline stays inside its token.
        let whitespace = SubwordStage(tokenize: TokenizeStage(method: .whitespace), encoding: BytePairEncoding())
        XCTAssertEqual(whitespace.text(from: whitespace.pieces(of: "a\nb  c")), "a\nb c")
    }
}
