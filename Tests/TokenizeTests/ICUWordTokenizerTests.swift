import Foundation
import Tokenize
import XCTest

final class ICUWordTokenizerTests: XCTestCase {
    func testMultilingualTokens() throws {
        for sample in MultilingualSamples.cases {
            let tokenizer = try ICUWordTokenizer(locale: sample.locale)
            XCTAssertEqual(tokenizer.tokenize(sample.text).map(\.text), sample.tokens, sample.name)
        }
    }

    /// Slicing the source's UTF-8 bytes by each token's range gives the token back, for every
    /// sample, with and without normalization (which changes the text, never the ranges).
    func testOffsetsRoundTripToSource() throws {
        let normalizers = [
            TextNormalizer(),
            TextNormalizer(form: .nfkc, caseMapping: .fold),
            TextNormalizer(form: .nfc, caseMapping: .lowercase),
        ]
        for sample in MultilingualSamples.cases {
            let bytes = Array(sample.text.utf8)
            let plain = try ICUWordTokenizer(locale: sample.locale).tokenize(sample.text)
            for normalizer in normalizers {
                let tokenizer = try ICUWordTokenizer(locale: sample.locale, normalizer: normalizer)
                let tokens = tokenizer.tokenize(sample.text)
                XCTAssertEqual(tokens.map(\.range), plain.map(\.range), "\(sample.name) \(normalizer)")
                // The text check must not compare the normalizer with itself: for NFC + lowercase
                // the expectation comes from Swift and Foundation (String.lowercased() and
                // precomposedStringWithCanonicalMapping), which agree with ICU's root lowercasing
                // on these samples (no Turkic/Lithuanian locale, no Greek final sigma).
                guard normalizer.form == .nfc && normalizer.caseMapping == .lowercase else { continue }
                for token in tokens {
                    let original = String(decoding: bytes[token.range], as: UTF8.self)
                    let expected = original.lowercased().precomposedStringWithCanonicalMapping
                    XCTAssertEqual(Array(token.text.unicodeScalars), Array(expected.unicodeScalars),
                                   "\(sample.name) \(normalizer)")
                }
            }
            for token in plain {
                XCTAssertEqual(String(decoding: bytes[token.range], as: UTF8.self), token.text, sample.name)
            }
        }
    }

    /// ICU keeps U+202F (Word_Break=ExtendNumLet) inside "10<U+202F>000"; the tokenizer must split
    /// there, because no token may contain whitespace (NFKC would turn it into an ASCII space).
    func testWhitespaceInsideAnICUSegmentSplitsTheToken() throws {
        let text = "10\u{202F}000 km"
        for normalizer in [TextNormalizer(), TextNormalizer(form: .nfkc)] {
            let tokens = try ICUWordTokenizer(locale: "fr", normalizer: normalizer).tokenize(text)
            XCTAssertEqual(tokens.map(\.text), ["10", "000", "km"], "\(normalizer)")
            // "10" = bytes 0-1, U+202F = 2-4, "000" = 5-7, " " = 8, "km" = 9-10.
            XCTAssertEqual(tokens.map(\.range), [0..<2, 5..<8, 9..<11], "\(normalizer)")
        }
    }

    func testOffsetsAreUTF8ByteOffsets() throws {
        let tokens = try ICUWordTokenizer().tokenize("Grüße, 世界 👍🏾!")
        XCTAssertEqual(tokens.map(\.text), ["Grüße", ",", "世界", "👍🏾", "!"])
        // G r ü(2) ß(2) e = 7 bytes; each CJK character 3 bytes; 👍🏾 is 8 bytes.
        XCTAssertEqual(tokens.map(\.range), [0..<7, 7..<8, 9..<15, 16..<24, 24..<25])
    }

    func testNormalizedTokens() throws {
        let folding = try ICUWordTokenizer(locale: "de", normalizer: TextNormalizer(form: .nfkc, caseMapping: .fold))
        XCTAssertEqual(folding.tokenize("Die STRASSE, die Straße; ﬁnal.").map(\.text),
                       ["die", "strasse", ",", "die", "strasse", ";", "final", "."])
        let turkish = try ICUWordTokenizer(locale: "tr", normalizer: TextNormalizer(caseMapping: .lowercase))
        XCTAssertEqual(turkish.tokenize("İstanbul IRMAK").map(\.text), ["istanbul", "ırmak"])
    }

    func testEmptyAndBlankText() throws {
        let tokenizer = try ICUWordTokenizer()
        XCTAssertEqual(tokenizer.tokenize(""), [])
        XCTAssertEqual(tokenizer.tokenize(" \t \u{00A0}\u{3000} "), [])
    }

    /// Tokenizing many lines in one buffer gives the same tokens as line by line, and no token
    /// crosses a line break.
    func testBlockEqualsLineByLine() throws {
        let tokenizer = try ICUWordTokenizer()
        let lines = MultilingualSamples.cases.map(\.text) + ["", "a\u{0301}b", "x"]
        let block = lines.joined(separator: "\n")
        let blockTokens = tokenizer.tokenize(block)
        var expected: [Token] = []
        var offset = 0
        for line in lines {
            expected += tokenizer.tokenize(line).map { Token(text: $0.text, range: ($0.range.lowerBound + offset)..<($0.range.upperBound + offset)) }
            offset += line.utf8.count + 1
        }
        XCTAssertEqual(blockTokens, expected)
        XCTAssertFalse(blockTokens.contains { $0.text.contains("\n") })
    }

    func testInvalidUTF8BytesReadAsReplacementCharacter() throws {
        let bytes: [UInt8] = Array("ab ".utf8) + [0xFF] + Array(" cd".utf8)
        let tokens = bytes.withUnsafeBufferPointer { try! ICUWordTokenizer().tokenize(utf8: $0) }
        XCTAssertEqual(tokens.map(\.range), [0..<2, 3..<4, 5..<7])
        XCTAssertEqual(tokens.map(\.text), ["ab", "\u{FFFD}", "cd"])
    }
}
