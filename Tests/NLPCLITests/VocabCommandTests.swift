import Foundation
import XCTest

final class VocabCommandTests: XCTestCase {
    func testBuildThenShow() throws {
        let dir = try TemporaryDirectory()
        let a = try dir.write("a.txt", "The cat sat.\nThe dog sat!\n")
        let b = try dir.write("b.txt", "the cat ran.\n")
        let vocab = dir.path("vocab.txt")
        let build = try NLPRunner.run(["vocab", "build", a, b, "--lower", "--min-count", "2", "-o", vocab])
        XCTAssertEqual(build.status, 0, build.stderr)
        XCTAssertTrue(build.output.contains("8 entries (4 special + 4 of 7 distinct tokens) from 12 tokens in 2 files"), build.output)
        XCTAssertEqual(try String(contentsOfFile: vocab, encoding: .utf8),
                       "<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\nthe\t3\n.\t2\ncat\t2\nsat\t2\n")
        let show = try NLPRunner.run(["vocab", "show", vocab, "--top", "2"])
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssertEqual(show.output, """
            \(vocab): 8 entries (4 special, 4 tokens), 9 token occurrences
            special: 0 <pad>, 1 <unk>, 2 <s>, 3 </s>
            top 2 (id, token, count):
            4\tthe\t3
            5\t.\t2

            """)
        // No temporary file left beside the vocabulary.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).sorted(),
                       ["a.txt", "b.txt", "vocab.txt"])
    }

    func testShowDoesNotOverflowOnHugeCounts() throws {
        let dir = try TemporaryDirectory()
        var text = "<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\n"
        for token in ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"] { text += "\(token)\t999999999999999999\n" }
        let vocab = try dir.write("v.txt", text)
        let show = try NLPRunner.run(["vocab", "show", vocab, "--top", "1"])
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssertTrue(show.output.contains("14 entries (4 special, 10 tokens), more than \(Int.max) token occurrences"),
                      show.output)
        XCTAssertTrue(show.output.contains("4\ta\t999999999999999999\n"), show.output)
    }

    func testMaxSize() throws {
        let dir = try TemporaryDirectory()
        let a = try dir.write("a.txt", "b b b a a c\n")
        let vocab = dir.path("v.txt")
        XCTAssertEqual(try NLPRunner.run(["vocab", "build", a, "--max-size", "5", "-o", vocab]).status, 0)
        XCTAssertEqual(try String(contentsOfFile: vocab, encoding: .utf8), "<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\nb\t3\n")
        let bad = try NLPRunner.run(["vocab", "build", a, "--max-size", "3", "-o", vocab])
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("--max-size must be at least 4"), bad.stderr)
    }

    func testFailedBuildKeepsThePreviousVocabulary() throws {
        let dir = try TemporaryDirectory()
        let vocab = try dir.write("v.txt", "<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\nold\t1\n")
        let bad = try dir.write("bad.txt", bytes: Array("ok\n".utf8) + [0xFF, 0x0A])
        let result = try NLPRunner.run(["vocab", "build", bad, "-o", vocab])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("\(bad):2: invalid UTF-8"), result.stderr)
        XCTAssertEqual(try String(contentsOfFile: vocab, encoding: .utf8), "<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\nold\t1\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).sorted(), ["bad.txt", "v.txt"])
    }

    func testEmptyCorpusGivesSpecialsOnly() throws {
        let dir = try TemporaryDirectory()
        let vocab = dir.path("v.txt")
        let result = try NLPRunner.run(["vocab", "build", dir.write("e.txt", ""), "-o", vocab])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("no tokens"), result.stderr)
        XCTAssertEqual(try String(contentsOfFile: vocab, encoding: .utf8), "<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\n")
    }

    func testShowReportsMalformedFileWithLine() throws {
        let dir = try TemporaryDirectory()
        let vocab = try dir.write("v.txt", "<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\nword 12\n")
        let result = try NLPRunner.run(["vocab", "show", vocab])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("\(vocab):5: malformed vocabulary file"), result.stderr)
        let missing = try NLPRunner.run(["vocab", "show", dir.path("nope.txt")])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("nope.txt: cannot open"), missing.stderr)
    }
}
