import Foundation
import XCTest

final class TokenizeCommandTests: XCTestCase {
    func testStdinToTokens() throws {
        let result = try NLPRunner.run(["tokenize"], input: "Don't panic, it's only a test!\n\nDie Straße.\nlast")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.output, "Don't panic , it's only a test !\n\nDie Straße .\nlast\n")
        XCTAssertEqual(result.stderr, "")
        let dash = try NLPRunner.run(["tokenize", "-"], input: "Don't panic!\n")
        XCTAssertEqual(dash.status, 0, dash.stderr)
        XCTAssertEqual(dash.output, "Don't panic !\n")
    }

    func testFilesInOrderWithNormalization() throws {
        let dir = try TemporaryDirectory()
        let a = try dir.write("a.txt", "Die STRASSE.\n")
        let b = try dir.write("b.txt", "Das ﬁnale İstanbul.\n")
        var result = try NLPRunner.run(["tokenize", "--case-fold", "--normalize", "nfkc", a, b])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.output, "die strasse .\ndas finale i̇stanbul .\n")
        result = try NLPRunner.run(["tokenize", "--lower", "--locale", "tr", b])
        XCTAssertEqual(result.output, "das ﬁnale istanbul .\n")
    }

    func testNarrowNoBreakSpaceSeparatesTokens() throws {
        let plain = try NLPRunner.run(["tokenize", "--locale", "fr"], input: "10\u{202F}000 km\n")
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertEqual(plain.output, "10 000 km\n")
        // With NFKC, U+202F would become an ASCII space inside one token: check the token list.
        let nfkc = try NLPRunner.run(["tokenize", "--locale", "fr", "--normalize", "nfkc", "--offsets"],
                                     input: "10\u{202F}000 km\n")
        XCTAssertEqual(nfkc.status, 0, nfkc.stderr)
        XCTAssertEqual(nfkc.output, #"[{"text":"10","start":0,"end":2},{"text":"000","start":5,"end":8},{"text":"km","start":9,"end":11}]"# + "\n")
    }

    func testThreeLetterTurkishLocaleLowercasesAlike() throws {
        let result = try NLPRunner.run(["tokenize", "--lower", "--locale", "tur"], input: "IRMAK IŞIK\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.output, "ırmak ışık\n")
    }

    func testOffsetsAndSentences() throws {
        let result = try NLPRunner.run(["tokenize", "--offsets", "--sentences"], input: "Hi, you. Bye!\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.output, #"""
            [{"text":"Hi","start":0,"end":2},{"text":",","start":2,"end":3},{"text":"you","start":4,"end":7},{"text":".","start":7,"end":8}]
            [{"text":"Bye","start":9,"end":12},{"text":"!","start":12,"end":13}]

            """#)
        let plain = try NLPRunner.run(["tokenize", "--sentences"], input: "Mr. Smith came. He sat.")
        XCTAssertEqual(plain.output, "Mr . Smith came .\nHe sat .\n")
    }

    func testInvalidUTF8NamesFileAndLine() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("latin1.txt", bytes: Array("fine\nalso fine\nna".utf8) + [0xEF, 0x76, 0x65] + Array("\n".utf8))
        let result = try NLPRunner.run(["tokenize", path])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("\(path):3: invalid UTF-8"), result.stderr)
        XCTAssertEqual(result.output, "fine\nalso fine\n")  // lines before the bad one are written
        XCTAssertFalse(result.stderr.contains("Fatal"), result.stderr)
    }

    func testMissingFileFailsBeforeAnyOutput() throws {
        let dir = try TemporaryDirectory()
        let good = try dir.write("good.txt", "hello\n")
        let result = try NLPRunner.run(["tokenize", good, dir.path("missing.txt")])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.output, "")
        XCTAssertTrue(result.stderr.contains("missing.txt: cannot open: No such file or directory"), result.stderr)
    }

    /// Files are opened one at a time: far more files than the descriptor limit allows at once.
    func testMoreFilesThanTheOpenFileLimit() throws {
        let dir = try TemporaryDirectory()
        let files = try (0..<200).map { try dir.write("f\($0).txt", "w\($0), x\n") }
        let result = try NLPRunner.run(["tokenize"] + files, openFileLimit: 64)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.output, (0..<200).map { "w\($0) , x\n" }.joined())
        let vocab = dir.path("v.txt")
        let build = try NLPRunner.run(["vocab", "build", "-o", vocab] + files, openFileLimit: 64)
        XCTAssertEqual(build.status, 0, build.stderr)
        XCTAssertTrue(build.output.contains("from 600 tokens in 200 files"), build.output)
        // A missing file among many still fails before any output.
        let missing = try NLPRunner.run(["tokenize"] + files + [dir.path("missing.txt")], openFileLimit: 64)
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.output, "")
        XCTAssertTrue(missing.stderr.contains("missing.txt: cannot open: No such file or directory"), missing.stderr)
    }

    func testEmptyFileGivesEmptyOutput() throws {
        let dir = try TemporaryDirectory()
        let result = try NLPRunner.run(["tokenize", dir.write("empty.txt", "")])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.output, "")
        XCTAssertEqual(result.stderr, "")
    }

    func testTenMegabyteSingleLine() throws {
        let dir = try TemporaryDirectory()
        // 10 MB without a newline: 1,048,576 copies of "word, x " (8 bytes + 2 more words per copy).
        let unit = Array("word, x ".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(unit.count * 1_310_720)
        for _ in 0..<1_310_720 { bytes += unit }
        XCTAssertEqual(bytes.count, 10_485_760)
        let path = try dir.write("long.txt", bytes: bytes)
        let result = try NLPRunner.run(["tokenize", path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: 0x0A, omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 2)  // one line and the empty remainder after its "\n"
        XCTAssertEqual(lines[0].split(separator: 0x20).count, 3 * 1_310_720)
        XCTAssertEqual(Array(result.stdout.prefix(16)), Array("word , x word , ".utf8))
    }

    func testBadOptionsAreUsageErrors() throws {
        let result = try NLPRunner.run(["tokenize", "--lower", "--case-fold"], input: "x")
        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(result.stderr.contains("--lower and --case-fold cannot be combined"), result.stderr)
        let form = try NLPRunner.run(["tokenize", "--normalize", "nfd"], input: "x")
        XCTAssertEqual(form.status, 64)
        XCTAssertTrue(form.stderr.contains("nfd"), form.stderr)
    }

    func testHelpExplainsTheCommand() throws {
        let result = try NLPRunner.run(["tokenize", "--help"])
        XCTAssertEqual(result.status, 0)
        for expected in ["--offsets", "--sentences", "--case-fold", "--normalize", "Examples:", "standard input"] {
            XCTAssertTrue(result.output.contains(expected), "help lacks \(expected)")
        }
    }
}
