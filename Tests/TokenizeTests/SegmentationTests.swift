import Tokenize
import XCTest

final class SegmentationTests: XCTestCase {
    func testSentenceSplitterHonoursAbbreviations() throws {
        let splitter = try SentenceSplitter(locale: "en")
        let text = "Mr. Smith arrived at 5 p.m. on Monday. Was he late?  Yes!"
        let sentences = splitter.split(text)
        XCTAssertEqual(sentences.map(\.text), ["Mr. Smith arrived at 5 p.m. on Monday.", "Was he late?", "Yes!"])
        let bytes = Array(text.utf8)
        for sentence in sentences {
            XCTAssertEqual(String(decoding: bytes[sentence.range], as: UTF8.self), sentence.text)
        }
    }

    func testSentenceSplitterOtherScripts() throws {
        XCTAssertEqual(try SentenceSplitter(locale: "zh").split("今天很好。我们走吧！").map(\.text),
                       ["今天很好。", "我们走吧！"])
        XCTAssertEqual(try SentenceSplitter(locale: "de").split("Das ist z.B. gut. Oder?").map(\.text),
                       ["Das ist z.B. gut.", "Oder?"])
        XCTAssertEqual(try SentenceSplitter().split("one\ntwo").map(\.text), ["one", "two"])
        XCTAssertEqual(try SentenceSplitter().split("  "), [])
    }

    func testCharacterTokenizerKeepsGraphemeClusters() throws {
        let text = "e\u{0301}👨‍👩‍👧 🇩🇪!"
        let tokens = try CharacterTokenizer().tokenize(text)
        XCTAssertEqual(tokens.map(\.text), ["e\u{0301}", "👨‍👩‍👧", " ", "🇩🇪", "!"])
        XCTAssertEqual(tokens.map(\.range), [0..<3, 3..<21, 21..<22, 22..<30, 30..<31])
        XCTAssertEqual(try CharacterTokenizer(dropWhitespace: true).tokenize(text).map(\.text),
                       ["e\u{0301}", "👨‍👩‍👧", "🇩🇪", "!"])
        let composed = try CharacterTokenizer(normalizer: TextNormalizer(form: .nfc)).tokenize("e\u{0301}")
        XCTAssertEqual(composed.map(\.text), ["\u{00E9}"])
        XCTAssertEqual(composed.map(\.range), [0..<3])
    }
}
