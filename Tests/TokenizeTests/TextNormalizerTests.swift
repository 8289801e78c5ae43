import Tokenize
import XCTest

final class TextNormalizerTests: XCTestCase {
    func testCaseFoldingIsFull() {
        let fold = TextNormalizer(caseMapping: .fold)
        XCTAssertEqual(fold.apply("Straße"), "strasse")
        XCTAssertEqual(fold.apply("ΣΊΣΥΦΟΣ"), "σίσυφοσ")
        XCTAssertEqual(fold.apply("HELLO"), "hello")  // ASCII fast path
    }

    func testLowercaseKeepsSharpS() {
        XCTAssertEqual(TextNormalizer(caseMapping: .lowercase).apply("STRAßE"), "straße")
        XCTAssertEqual(TextNormalizer(caseMapping: .lowercase, locale: "el").apply("ΟΔΟΣ"), "οδος")
    }

    func testNFKCFoldsCompatibilityCharacters() {
        let nfkc = TextNormalizer(form: .nfkc)
        XCTAssertEqual(nfkc.apply("ﬁne"), "fine")
        XCTAssertEqual(nfkc.apply("ＡＢＣ１²"), "ABC12")
        XCTAssertEqual(TextNormalizer(form: .nfc).apply("ﬁne"), "ﬁne")  // NFC keeps ligatures
    }

    func testNFCComposes() {
        let decomposed = "e\u{0301}te\u{0301}"
        let composed = TextNormalizer(form: .nfc).apply(decomposed)
        XCTAssertEqual(Array(composed.unicodeScalars), ["\u{00E9}", "t", "\u{00E9}"])
        XCTAssertEqual(Array(TextNormalizer().apply(decomposed).unicodeScalars).count, 5)  // identity
    }

    func testTurkishDottedAndDotlessI() {
        let turkish = TextNormalizer(caseMapping: .lowercase, locale: "tr")
        XCTAssertEqual(turkish.apply("İ"), "i")
        XCTAssertEqual(turkish.apply("I"), "ı")
        XCTAssertEqual(turkish.apply("DIŞ İŞLERİ"), "dış işleri")
        XCTAssertEqual(TextNormalizer(caseMapping: .lowercase, locale: "az").apply("I"), "ı")

        let root = TextNormalizer(caseMapping: .lowercase, locale: "en")
        XCTAssertEqual(Array(root.apply("İ").unicodeScalars), ["i", "\u{0307}"])
        XCTAssertEqual(root.apply("I"), "i")
        // Folding ignores the locale.
        XCTAssertEqual(TextNormalizer(caseMapping: .fold, locale: "tr").apply("I"), "i")
    }

    /// ICU applies the Turkic rules to the 3-letter codes as well; the ASCII fast path must agree
    /// with the ICU path ("IRMAK" is pure ASCII, "IŞIK" is not).
    func testThreeLetterTurkicCodesOnBothPaths() {
        for locale in ["tur", "aze", "tur_TR", "AZE-Latn"] {
            let lower = TextNormalizer(caseMapping: .lowercase, locale: locale)
            XCTAssertEqual(lower.apply("IŞIK"), "ışık", locale)
            XCTAssertEqual(lower.apply("IRMAK"), "ırmak", locale)
        }
        XCTAssertEqual(TextNormalizer(caseMapping: .lowercase, locale: "turk").apply("IRMAK"), "irmak")
    }

    func testNormalizationAfterCaseMapping() {
        // Lowercasing İ gives i + U+0307; NFC has no precomposed form, NFKC neither.
        XCTAssertEqual(TextNormalizer(form: .nfc, caseMapping: .lowercase).apply("İ").unicodeScalars.count, 2)
        // Folding a decomposed capital then composing: "E" + U+0301 -> "é".
        XCTAssertEqual(Array(TextNormalizer(form: .nfc, caseMapping: .fold).apply("E\u{0301}").unicodeScalars), ["\u{00E9}"])
    }

    func testLongTextNeedsBiggerBuffers() {
        // U+FDFA expands to 18 code points under NFKC; many of them overflow the stack buffers.
        let text = String(repeating: "\u{FDFA}", count: 400)
        let result = TextNormalizer(form: .nfkc, caseMapping: .fold).apply(text)
        XCTAssertEqual(result.unicodeScalars.count, 18 * 400)
        XCTAssertEqual(TextNormalizer(caseMapping: .fold).apply(String(repeating: "ß", count: 1000)),
                       String(repeating: "ss", count: 1000))
    }

    func testIsIdentity() {
        XCTAssertTrue(TextNormalizer().isIdentity)
        XCTAssertFalse(TextNormalizer(form: .nfc).isIdentity)
        XCTAssertFalse(TextNormalizer(caseMapping: .fold).isIdentity)
    }
}
