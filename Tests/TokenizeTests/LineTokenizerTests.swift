import Foundation
import Tokenize
import XCTest

final class LineTokenizerTests: XCTestCase {
    private func run(_ text: String, format: LineTokenizer.Format = .text, sentences: Bool = false,
                     normalizer: TextNormalizer = TextNormalizer(), locale: String = "en") throws -> String {
        let lineTokenizer = try LineTokenizer(
            tokenizer: ICUWordTokenizer(locale: locale, normalizer: normalizer), format: format,
            splitSentences: sentences)
        var out: [UInt8] = []
        Array(text.utf8).withUnsafeBufferPointer { lineTokenizer.process($0, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    func testOneOutputLinePerInputLine() throws {
        XCTAssertEqual(try run("Hello, world!\n\n  \nIt's 9:30.\nlast"),
                       "Hello , world !\n\n\nIt's 9 : 30 .\nlast\n")
        XCTAssertEqual(try run(""), "")
        XCTAssertEqual(try run("\n"), "\n")
        XCTAssertEqual(try run("a"), "a\n")
    }

    func testNormalizationOnTheFastPath() throws {
        XCTAssertEqual(try run("Die STRASSE.\nDie Straße ﬁel.", normalizer: TextNormalizer(form: .nfkc, caseMapping: .fold)),
                       "die strasse .\ndie strasse fiel .\n")
        XCTAssertEqual(try run("IRMAK İzmir", normalizer: TextNormalizer(caseMapping: .lowercase), locale: "tr"),
                       "ırmak izmir\n")
    }

    func testSentencesGetOwnLines() throws {
        XCTAssertEqual(try run("Mr. Smith came. He sat!\n\nOne more", sentences: true),
                       "Mr . Smith came .\nHe sat !\n\nOne more\n")
    }

    func testJSONOffsetsPointIntoTheInputLine() throws {
        let output = try run("Grüße, \"du\"!\nZweite Zeile. Noch eine.", format: .jsonOffsets, sentences: true,
                             normalizer: TextNormalizer(caseMapping: .fold))
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 4)  // 3 sentences + the final empty split
        XCTAssertEqual(String(lines[0]),
                       #"[{"text":"grüsse","start":0,"end":7},{"text":",","start":7,"end":8},{"text":"\"","start":9,"end":10},"#
                       + #"{"text":"du","start":10,"end":12},{"text":"\"","start":12,"end":13},{"text":"!","start":13,"end":14}]"#)
        // Offsets of the second line's second sentence are relative to that line, not the sentence.
        let decoded = try JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [[String: Any]]
        let second = "Zweite Zeile. Noch eine."
        for token in decoded ?? [] {
            let start = token["start"] as! Int, end = token["end"] as! Int
            let original = String(decoding: Array(second.utf8)[start..<end], as: UTF8.self)
            XCTAssertEqual(TextNormalizer(caseMapping: .fold).apply(original), token["text"] as? String)
        }
        XCTAssertEqual(decoded?.map { $0["text"] as! String }, ["noch", "eine", "."])
    }

    func testJSONEscapesControlCharacters() throws {
        XCTAssertEqual(try run("a\u{1}b \\", format: .jsonOffsets),
                       #"[{"text":"a","start":0,"end":1},{"text":"\u0001","start":1,"end":2},{"text":"b","start":2,"end":3},{"text":"\\","start":4,"end":5}]"#
                       + "\n")
    }

    func testCountsTokensAndLines() throws {
        let lineTokenizer = try LineTokenizer(tokenizer: ICUWordTokenizer())
        var out: [UInt8] = []
        Array("a b\nc\n".utf8).withUnsafeBufferPointer { lineTokenizer.process($0, into: &out) }
        XCTAssertEqual(lineTokenizer.tokenCount, 3)
        XCTAssertEqual(lineTokenizer.outputLineCount, 2)
    }
}
