import Tokenize
import XCTest

/// The ASCII fast path must give exactly ICU's tokens: compared here on random ASCII text and on
/// blocks mixing ASCII and non-ASCII lines (which the shim splits into regions).
final class ASCIIFastPathTests: XCTestCase {
    /// A small deterministic generator (SplitMix64), so failures reproduce.
    private struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    func testFastPathIsOnForCommonLocalesAndOffWhereRulesDiffer() throws {
        for locale in ["en", "de", "fr", "es", "zh", "th"] {
            XCTAssertTrue(try ICUWordTokenizer(locale: locale).usesASCIIFastPath, locale)
        }
        for locale in ["en_US_POSIX", "sv", "fi"] {
            XCTAssertFalse(try ICUWordTokenizer(locale: locale).usesASCIIFastPath, locale)
        }
        XCTAssertFalse(try ICUWordTokenizer(asciiFastPath: false).usesASCIIFastPath)
    }

    func testRandomASCIIMatchesICU() throws {
        let fast = try ICUWordTokenizer(locale: "en")
        let icu = try ICUWordTokenizer(locale: "en", asciiFastPath: false)
        let alphabet = Array("aZ@09_.,;:'\"- \n\t!?#$%&()*+/<=>[]\\^`{|}~\r".utf8) + [0x01, 0x7F]
        var random = Generator(state: 2024)
        for _ in 0..<20_000 {
            let bytes = (0..<(1 + random.next(16))).map { _ in
                random.next(8) == 0 ? UInt8(1 + random.next(127)) : alphabet[random.next(alphabet.count)]
            }
            let a = bytes.withUnsafeBufferPointer { fast.tokenize(utf8: $0) }
            let b = bytes.withUnsafeBufferPointer { icu.tokenize(utf8: $0) }
            XCTAssertEqual(a, b, "\(bytes)")
            if a != b { break }
        }
    }

    func testMixedBlocksMatchICU() throws {
        let fast = try ICUWordTokenizer(locale: "de")
        let icu = try ICUWordTokenizer(locale: "de", asciiFastPath: false)
        let asciiLines = ["The cat's 3.50 e-mail: a@b.c", "", "x_y 1,000;2 'q'", String(repeating: "long line, ", count: 300)]
        let otherLines = ["Grüße aus Köln.", "東京都に住んでいます。", "👍🏾 ok", "naïve café"]
        var random = Generator(state: 7)
        for _ in 0..<300 {
            let lines = (0..<(1 + random.next(12))).map { _ in
                random.next(3) == 0 ? otherLines[random.next(otherLines.count)] : asciiLines[random.next(asciiLines.count)]
            }
            let text = lines.joined(separator: "\n") + (random.next(2) == 0 ? "\n" : "")
            XCTAssertEqual(fast.tokenize(text), icu.tokenize(text), text)
        }
    }
}
