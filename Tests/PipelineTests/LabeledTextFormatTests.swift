import Pipeline
import NLPTestSupport
import XCTest

final class LabeledTextFormatTests: XCTestCase {
    func testReadsLabelFirstLinesAndSkipsBlankOnes() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("sst.txt", "1 a warm , funny film .\n\n0 dull .\r\n")
        XCTAssertEqual(try LabeledTextFormat.detect(path: path), .labelFirst)
        let examples = try LabeledTextFormat.labelFirst.read(path: path)
        XCTAssertEqual(examples, [LabeledText(text: "a warm , funny film .", label: "1", line: 1),
                                  LabeledText(text: "dull .", label: "0", line: 3)])
    }

    func testReadsTabSeparatedLinesWithTheLabelAfterTheLastTab() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("data.tsv", "\nGreat phone.\tpos\nIt broke\tafter a day.\tneg\n")
        XCTAssertEqual(try LabeledTextFormat.detect(path: path), .tsv)
        let examples = try LabeledTextFormat.tsv.read(path: path)
        XCTAssertEqual(examples.map(\.label), ["pos", "neg"])
        XCTAssertEqual(examples.map(\.text), ["Great phone.", "It broke\tafter a day."])
        XCTAssertEqual(examples.map(\.line), [2, 3])
    }

    func testMalformedLinesNameTheFileAndLine() throws {
        let folder = try TemporaryFolder()
        let cases: [(LabeledTextFormat, String, Int, String)] = [
            (.labelFirst, "1 fine .\nnospace\n", 2, "found no space"),
            (.labelFirst, "1 fine .\n0    \n", 2, "empty text"),
            (.tsv, "fine\t1\nno tab here\n", 2, "found no TAB"),
            (.tsv, "fine\t1\n\t0\n", 2, "empty text"),
            (.tsv, "fine\t1\ngood\t  \n", 2, "empty label"),
        ]
        for (format, text, line, message) in cases {
            let path = try folder.write("bad.txt", text)
            XCTAssertThrowsError(try format.read(path: path), "\(text.debugDescription)") { error in
                let description = "\(error)"
                XCTAssertTrue(description.hasPrefix("\(path):\(line): "), description)
                XCTAssertTrue(description.contains(message), description)
            }
        }
    }

    func testEmptyAndMissingFilesAreErrors() throws {
        let folder = try TemporaryFolder()
        let empty = try folder.write("empty.txt", "\n  \n")
        XCTAssertThrowsError(try LabeledTextFormat.detect(path: empty)) { XCTAssertTrue("\($0)".contains("no examples")) }
        XCTAssertThrowsError(try LabeledTextFormat.labelFirst.read(path: empty)) { XCTAssertTrue("\($0)".contains("no examples")) }
        XCTAssertThrowsError(try LabeledTextFormat.labelFirst.read(path: folder.path("missing.txt"))) {
            XCTAssertTrue("\($0)".contains("missing.txt"), "\($0)")
        }
    }

    func testInvalidUTF8IsReportedWithItsLine() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("latin1.txt")
        try Data("1 good\n0 caf".utf8 + [0xE9] + Array(" .\n".utf8)).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try LabeledTextFormat.labelFirst.read(path: path)) {
            XCTAssertTrue("\($0)".hasPrefix("\(path):2: invalid UTF-8"), "\($0)")
        }
    }
}
