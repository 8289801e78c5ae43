import FileIO
import Foundation
import Pipeline
import Tokenize
import NLPTestSupport
import XCTest

final class CoNLLReaderTests: XCTestCase {
    func testReadsCoNLL2003LayoutWithDocumentStarts() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("train.txt", """
            -DOCSTART- -X- -X- O

            EU NNP B-NP B-ORG
            rejects VBZ B-VP O

            Peter NNP B-NP B-PER
            Blackburn NNP I-NP I-PER
            -DOCSTART- -X- -X- O

            BRUSSELS NNP B-NP B-LOC
            """)  // no newline at the end
        let sentences = try CoNLLReader(path: path).readAll()
        XCTAssertEqual(sentences.map(\.tokens), [["EU", "rejects"], ["Peter", "Blackburn"], ["BRUSSELS"]])
        XCTAssertEqual(sentences.map(\.tags), [["B-ORG", "O"], ["B-PER", "I-PER"], ["B-LOC"]])
        XCTAssertEqual(sentences.map(\.lineNumbers), [[3, 4], [6, 7], [10]])
        XCTAssertEqual(sentences[0].rows[0], ["EU", "NNP", "B-NP", "B-ORG"])
        XCTAssertEqual(sentences.map(\.documentStart), [["-DOCSTART-", "-X-", "-X-", "O"], nil, ["-DOCSTART-", "-X-", "-X-", "O"]])
        XCTAssertEqual(sentences.map(\.tagColumn), [3, 3, 3])
    }

    func testBlankLinesTabsAndCarriageReturns() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("wnut.conll", "\n \t\n@paulwalk\tO\nLondon \t B-location\t\r\n\n\n\n:)\tO\n\n\n")
        let sentences = try CoNLLReader(path: path).readAll()
        XCTAssertEqual(sentences.map(\.rows), [[["@paulwalk", "O"], ["London", "B-location"]], [[":)", "O"]]])
        XCTAssertEqual(sentences.map(\.lineNumbers), [[3, 4], [8]])
        XCTAssertEqual(sentences.map(\.documentStart), [nil, nil])
    }

    func testTokenAndTagColumnOptions() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("cols.txt", "1 EU B-ORG NNP\n2 rejects O VBZ\n")
        let sentence = try XCTUnwrap(CoNLLReader(path: path, tokenColumn: 1, tagColumn: .index(2)).readAll().first)
        XCTAssertEqual(sentence.tokens, ["EU", "rejects"])
        XCTAssertEqual(sentence.tags, ["B-ORG", "O"])
        XCTAssertEqual(try CoNLLReader(path: path, tokenColumn: 1).readAll()[0].tags, ["NNP", "VBZ"])
    }

    /// Sentences are handed out as they are read: the ones before a bad line arrive first.
    func testStreamsSentencesBeforeAnErrorFurtherOn() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("late.txt", "a O\n\nb O\nc O\n\nd\n")
        var seen: [[String]] = []
        XCTAssertThrowsError(try CoNLLReader(path: path).forEachSentence { seen.append($0.tokens) }) {
            XCTAssertTrue("\($0)".hasPrefix("\(path):6: "), "\($0)")
        }
        XCTAssertEqual(seen, [["a"], ["b", "c"]])
        // An error thrown by the body stops the reading and comes out unchanged.
        struct Stop: Error {}
        var calls = 0
        XCTAssertThrowsError(try CoNLLReader(path: path).forEachSentence { _ in calls += 1; throw Stop() }) {
            XCTAssertTrue($0 is Stop)
        }
        XCTAssertEqual(calls, 1)
    }

    func testMalformedFilesNameTheFileAndLine() throws {
        let folder = try TemporaryFolder()
        let cases: [(String, CoNLLReader.TagColumn, Int, Int, String)] = [
            ("EU B-ORG\nrejects\n", .last, 0, 2, "1 column, but the sentence's first line (line 1) has 2"),
            ("EU B-ORG\n\nrejects\n", .last, 0, 3, "1 column, expected at least 2"),
            ("EU NNP B-ORG\nrejects VBZ B-VP O\n", .last, 0, 2, "4 columns, but the sentence's first line (line 1) has 3"),
            ("EU NNP\n", .index(2), 0, 1, "2 columns, expected at least 3"),
            ("EU NNP B-ORG\n", .last, 2, 1, "3 columns, expected at least 4"),
            ("EU\tB-ORG\n\tO\n", .last, 0, 2, "an empty token"),
            ("a O\n\n  O\n", .last, 0, 3, "an empty token"),
            ("x EU O\n y O\n", .last, 1, 2, "an empty column 0"),
        ]
        for (text, tagColumn, tokenColumn, line, message) in cases {
            let path = try folder.write("bad.txt", text)
            XCTAssertThrowsError(try CoNLLReader(path: path, tokenColumn: tokenColumn, tagColumn: tagColumn).readAll(),
                                 text.debugDescription) { error in
                XCTAssertTrue(error is DataError, "\(error)")
                let description = "\(error)"
                XCTAssertTrue(description.hasPrefix("\(path):\(line): "), description)
                XCTAssertTrue(description.contains(message), description)
            }
        }
    }

    func testInvalidUTF8IsReportedWithItsLine() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("latin1.txt")
        try Data(Array("EU O\n\ncaf".utf8) + [0xE9] + Array(" O\n".utf8)).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try CoNLLReader(path: path).readAll()) {
            XCTAssertEqual($0 as? FileError, .invalidUTF8(path: path, line: 3, byte: 4, value: 0xE9))
            XCTAssertTrue("\($0)".hasPrefix("\(path):3: invalid UTF-8"), "\($0)")
        }
    }

    func testFilesWithoutSentencesAndMissingFilesAreErrors() throws {
        let folder = try TemporaryFolder()
        for text in ["", "\n \n\n", "-DOCSTART- -X- -X- O\n\n"] {
            let path = try folder.write("empty.txt", text)
            XCTAssertThrowsError(try CoNLLReader(path: path).readAll(), text.debugDescription) {
                XCTAssertEqual($0 as? DataError, DataError(path: path, "the file has no sentences (it is empty or blank)"))
            }
        }
        let missing = folder.path("missing.txt")
        XCTAssertThrowsError(try CoNLLReader(path: missing).readAll()) {
            XCTAssertTrue("\($0)".hasPrefix("\(missing): cannot open"), "\($0)")
        }
    }
}
