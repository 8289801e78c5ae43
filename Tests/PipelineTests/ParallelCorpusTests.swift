import FileIO
import Foundation
import Pipeline
import Tokenize
import NLPTestSupport
import XCTest

final class ParallelCorpusTests: XCTestCase {
    private func pairs(_ corpus: ParallelCorpus) -> [[String]] {
        corpus.pairs.map { [$0.source, $0.target, "\($0.line)"] }
    }

    /// The message of the error `body` throws, or a failure naming the call.
    private func errorText(_ body: @autoclosure () throws -> ParallelCorpus, file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            let corpus = try body()
            XCTFail("read \(corpus.pairs.count) pairs, expected an error", file: file, line: line)
            return nil
        } catch {
            return "\(error)"
        }
    }

    func testTwoLineAlignedFiles() throws {
        let folder = try TemporaryFolder()
        let en = try folder.write("train.en", "Two dogs play.\n  A man\u{00A0}sleeps . \nHi.")  // no final newline
        let de = try folder.write("train.de", "Zwei Hunde spielen.\nEin Mann schläft.\t\nHallo!\n")
        let corpus = try ParallelCorpus(source: en, target: de)
        XCTAssertEqual(pairs(corpus), [
            ["Two dogs play.", "Zwei Hunde spielen.", "1"],
            ["A man\u{00A0}sleeps .", "Ein Mann schläft.", "2"],
            ["Hi.", "Hallo!", "3"],
        ])
        XCTAssertEqual(corpus.skipped, [])
        XCTAssertNil(corpus.skippedSummary())
    }

    func testDifferentLineCountsNameTheShorterFile() throws {
        let folder = try TemporaryFolder()
        let en = try folder.write("a.en", "one\ntwo\nthree\n")
        let de = try folder.write("a.de", "eins\nzwei\n")
        let expected = "\(de): has 2 lines but \(en) has 3; the source and target files must be line-aligned "
            + "(line i of one translates line i of the other)"
        XCTAssertEqual(errorText(try ParallelCorpus(source: en, target: de)), expected)
        // Whatever the policy: the pairs cannot be trusted.
        XCTAssertEqual(errorText(try ParallelCorpus(source: en, target: de, options: .init(policy: .skip))), expected)
        // The other way round, and a final line without "\n" still counts as a line.
        let de1 = try folder.write("b.de", "eins")
        XCTAssertEqual(errorText(try ParallelCorpus(source: de1, target: en)),
                       "\(de1): has 1 line but \(en) has 3; the source and target files must be line-aligned "
                           + "(line i of one translates line i of the other)")
    }

    func testEmptySidesFailOrAreSkipped() throws {
        let folder = try TemporaryFolder()
        let en = try folder.write("train.en", "a\n \t\nc\nd\n\n")
        let de = try folder.write("train.de", "A\nB\n\u{3000}\nD\n\n")
        // .fail (the default) throws the first problem: the blank source of line 2.
        XCTAssertEqual(errorText(try ParallelCorpus(source: en, target: de)), "\(en):2: empty source")

        let corpus = try ParallelCorpus(source: en, target: de, options: .init(policy: .skip))
        XCTAssertEqual(pairs(corpus), [["a", "A", "1"], ["d", "D", "4"]])
        XCTAssertEqual(corpus.skipped, [
            DataError(path: en, line: 2, "empty source"),
            DataError(path: de, line: 3, "empty target"),   // U+3000 is whitespace
            DataError(path: en, line: 5, "empty source"),   // both empty: the first problem
        ])
        XCTAssertEqual(corpus.skippedSummary(),
                       "skipped 3 pairs: \(en):2: empty source; \(de):3: empty target; \(en):5: empty source")
        XCTAssertEqual(corpus.skippedSummary(listing: 1), "skipped 3 pairs: \(en):2: empty source; and 2 more")
    }

    func testEverySkippedOrEmptyIsAnError() throws {
        let folder = try TemporaryFolder()
        let blank = try folder.write("blank.en", "\n")
        let empty = try folder.write("empty.en", "")
        XCTAssertEqual(errorText(try ParallelCorpus(source: blank, target: blank, options: .init(policy: .skip))),
                       "\(blank): no usable sentence pairs: all 1 were skipped; the first: \(blank):1: empty source")
        XCTAssertEqual(errorText(try ParallelCorpus(source: empty, target: empty)), "\(empty): the file has no lines (it is empty)")
        XCTAssertEqual(errorText(try ParallelCorpus(tsv: empty)), "\(empty): the file has no lines (it is empty)")
        let missing = folder.path("missing.en")
        XCTAssertThrowsError(try ParallelCorpus(source: missing, target: blank)) {
            XCTAssertEqual($0 as? FileError, .missing(path: missing))
            XCTAssertEqual("\($0)", "\(missing): cannot open: No such file or directory")
        }
        XCTAssertThrowsError(try ParallelCorpus(tsv: folder.url.path)) {
            XCTAssertEqual($0 as? FileError, .readFailed(path: folder.url.path, reason: "it is a directory"))
        }
    }

    func testTSVColumnsCanBeSwappedAndExtraColumnsIgnored() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("deu.txt", "Hi.\tHallo!\tCC-BY 2.0 (France) Attribution: tatoeba.org #538123\nRun!\t Lauf! \n")
        let forward = try ParallelCorpus(tsv: path)
        XCTAssertEqual(pairs(forward), [["Hi.", "Hallo!", "1"], ["Run!", "Lauf!", "2"]])
        let backward = try ParallelCorpus(tsv: path, sourceColumn: 2, targetColumn: 1)
        XCTAssertEqual(pairs(backward), [["Hallo!", "Hi.", "1"], ["Lauf!", "Run!", "2"]])
        let attribution = try ParallelCorpus(tsv: path, sourceColumn: 3, targetColumn: 1, options: .init(policy: .skip))
        XCTAssertEqual(pairs(attribution), [["CC-BY 2.0 (France) Attribution: tatoeba.org #538123", "Hi.", "1"]])
        XCTAssertEqual(attribution.skipped.map(\.description), [
            "\(path):2: 2 columns, expected at least 3 separated by TABs (source in column 3, target in column 1)",
        ])
    }

    func testTSVProblems() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("pairs.tsv", "Hi.\tHallo!\nno tab here\n\nGo.\t \n\tGeh.\nOK.\tGut.\n")
        XCTAssertEqual(errorText(try ParallelCorpus(tsv: path)),
                       "\(path):2: 1 column, expected at least 2 separated by TABs (source in column 1, target in column 2)")
        let corpus = try ParallelCorpus(tsv: path, options: .init(policy: .skip))
        XCTAssertEqual(pairs(corpus), [["Hi.", "Hallo!", "1"], ["OK.", "Gut.", "6"]])
        XCTAssertEqual(corpus.skipped.map(\.description), [
            "\(path):2: 1 column, expected at least 2 separated by TABs (source in column 1, target in column 2)",
            "\(path):3: an empty line, expected at least 2 separated by TABs (source in column 1, target in column 2)",
            "\(path):4: empty target (column 2)",
            "\(path):5: empty source (column 1)",
        ])
    }

    func testOverlongSides() throws {
        let folder = try TemporaryFolder()
        let en = try folder.write("long.en", "one two three\n one  two\u{202F}three four \nshort\n")
        let de = try folder.write("long.de", "eins zwei drei\nkurz\nkurz aber\u{00A0}nicht ganz\n")
        let options = ParallelCorpusOptions(maximumWords: 3, policy: .skip)
        let corpus = try ParallelCorpus(source: en, target: de, options: options)
        XCTAssertEqual(pairs(corpus), [["one two three", "eins zwei drei", "1"]])  // exactly 3 words is fine
        XCTAssertEqual(corpus.skipped, [
            DataError(path: en, line: 2, "source has 4 words, more than the maximum of 3"),  // U+202F separates words
            DataError(path: de, line: 3, "target has 4 words, more than the maximum of 3"),
        ])
        XCTAssertEqual(errorText(try ParallelCorpus(source: en, target: de, options: .init(maximumWords: 3))),
                       "\(en):2: source has 4 words, more than the maximum of 3")
        XCTAssertEqual(try ParallelCorpus(source: en, target: de).pairs.count, 3)  // no limit by default

        let tsv = try folder.write("long.tsv", "a b\tc d e\n")
        XCTAssertEqual(errorText(try ParallelCorpus(tsv: tsv, options: .init(maximumWords: 2))),
                       "\(tsv):1: target (column 2) has 3 words, more than the maximum of 2")
    }

    func testCarriageReturnsAndByteOrderMarkAreDropped() throws {
        let folder = try TemporaryFolder()
        let en = try folder.write("crlf.en", "\u{FEFF}Hello .\r\nBye\r\n\r\n")
        let de = try folder.write("crlf.de", "Hallo .\r\nTschüss\r\nx\r\n")
        let corpus = try ParallelCorpus(source: en, target: de, options: .init(policy: .skip))
        XCTAssertEqual(pairs(corpus), [["Hello .", "Hallo .", "1"], ["Bye", "Tschüss", "2"]])
        XCTAssertEqual(corpus.skipped, [DataError(path: en, line: 3, "empty source")])  // "\r" alone is blank

        let tsv = try folder.write("crlf.tsv", "Hi.\tHallo!\r\nRun!\tLauf!\r")
        XCTAssertEqual(pairs(try ParallelCorpus(tsv: tsv)), [["Hi.", "Hallo!", "1"], ["Run!", "Lauf!", "2"]])
    }

    func testInvalidUTF8NamesTheFileLineAndByte() throws {
        let folder = try TemporaryFolder()
        let en = try folder.write("good.en", "a\nb\nc\n")
        let deURL = folder.url.appendingPathComponent("bad.de")
        try Data([0x41, 0x0A, 0x42, 0xC3, 0xA4, 0xFF, 0x0A, 0x43, 0x0A]).write(to: deURL)  // "A\nBä\u{FF}\nC\n"
        let de = deURL.path
        let message = "\(de):2: invalid UTF-8 at byte 4 of the line (0xFF); the file must be UTF-8 encoded"
        XCTAssertEqual(errorText(try ParallelCorpus(source: en, target: de)), message)
        let corpus = try ParallelCorpus(source: en, target: de, options: .init(policy: .skip))
        XCTAssertEqual(pairs(corpus), [["a", "A", "1"], ["c", "C", "3"]])
        XCTAssertEqual(corpus.skipped.map(\.description), [message])

        // In a TSV file the byte counts from the start of the line, not of the column.
        let tsvURL = folder.url.appendingPathComponent("bad.tsv")
        try Data(Array("Hi.\tHallo!\nGo.\tGe".utf8) + [0xE2, 0x82] + Array("h.\n".utf8)).write(to: tsvURL)
        XCTAssertEqual(errorText(try ParallelCorpus(tsv: tsvURL.path)),
                       "\(tsvURL.path):2: invalid UTF-8 at byte 7 of the line (0xE2); the file must be UTF-8 encoded")
    }

    /// The whole Multi30k training set (29,000 caption pairs), when the shared corpora are there.
    func testReadsMulti30kTrain() throws {
        let folder = "/work/shared/corpora/multi30k/raw"
        guard FileManager.default.fileExists(atPath: folder + "/train.en") else {
            throw XCTSkip("\(folder)/train.en is absent (the shared corpora are not on this machine)")
        }
        let start = Date()
        let corpus = try ParallelCorpus(source: folder + "/train.en", target: folder + "/train.de")
        let seconds = Date().timeIntervalSince(start)
        print("read Multi30k train (29,000 pairs) in \(Int(seconds * 1000)) ms")
        XCTAssertEqual(corpus.pairs.count, 29_000)
        XCTAssertEqual(corpus.skipped, [])
        XCTAssertEqual(corpus.pairs.first?.source, "Two young, White males are outside near many bushes.")
        XCTAssertEqual(corpus.pairs.first?.target, "Zwei junge weiße Männer sind im Freien in der Nähe vieler Büsche.")
        XCTAssertEqual(corpus.pairs.last?.line, 29_000)
        XCTAssertEqual(corpus.pairs.map(\.line), Array(1...29_000))
    }
}
