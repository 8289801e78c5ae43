import FileIO
import Foundation
import Tokenize
import NLPTestSupport
import XCTest

final class VocabularyTests: XCTestCase {
    private func builder(_ text: String) -> VocabularyBuilder {
        var builder = VocabularyBuilder()
        builder.add(contentsOf: text.split(separator: " ").map(String.init))
        return builder
    }

    func testSpecialsAndOrdering() {
        // counts: the 3, cat 2, a 2, sat 1, mat 1, on 1
        let vocabulary = builder("the cat sat on a mat the cat a the").build()
        XCTAssertEqual(Array(vocabulary.tokens.prefix(4)), ["<pad>", "<unk>", "<s>", "</s>"])
        XCTAssertEqual(Vocabulary.paddingID, 0)
        XCTAssertEqual(Vocabulary.unknownID, 1)
        XCTAssertEqual(Vocabulary.startID, 2)
        XCTAssertEqual(Vocabulary.endID, 3)
        // Count descending, ties by bytes: "a" < "cat", "mat" < "on" < "sat".
        XCTAssertEqual(Array(vocabulary.tokens.dropFirst(4)), ["the", "a", "cat", "mat", "on", "sat"])
        XCTAssertEqual(vocabulary.counts, [0, 0, 0, 0, 3, 2, 2, 1, 1, 1])
        XCTAssertEqual(vocabulary.count, 10)
    }

    func testTiesUseByteOrder() {
        // Uppercase before lowercase, ASCII before non-ASCII, regardless of insertion order.
        let vocabulary = builder("é b B a ä A").build()
        XCTAssertEqual(Array(vocabulary.tokens.dropFirst(4)), ["A", "B", "a", "b", "ä", "é"])
    }

    func testEncodeDecodeAndUnknowns() {
        let vocabulary = builder("the cat sat on a mat the cat a the").build()
        let ids = vocabulary.encode(["the", "dog", "sat"], addStartAndEnd: true)
        XCTAssertEqual(ids, [2, 4, 1, 9, 3])
        XCTAssertEqual(vocabulary.decode(ids), ["the", "<unk>", "sat"])
        XCTAssertEqual(vocabulary.decode(ids, skipControlTokens: false), ["<s>", "the", "<unk>", "sat", "</s>"])
        XCTAssertEqual(vocabulary.decode([0, 5, 0, 99]), ["a", "<unk>"])
        XCTAssertEqual(vocabulary.id(of: "dog"), Vocabulary.unknownID)
        XCTAssertFalse(vocabulary.contains("dog"))
        XCTAssertTrue(vocabulary.contains("mat"))
    }

    func testMinimumCountAndMaximumSize() {
        let b = builder("the cat sat on a mat the cat a the")
        XCTAssertEqual(Array(b.build(minimumCount: 2).tokens.dropFirst(4)), ["the", "a", "cat"])
        XCTAssertEqual(Array(b.build(minimumCount: 4).tokens), Vocabulary.specialTokens)
        XCTAssertEqual(Array(b.build(maximumSize: 6).tokens.dropFirst(4)), ["the", "a"])
        XCTAssertEqual(b.build(maximumSize: 4).count, 4)
        XCTAssertEqual(b.build(minimumCount: 2, maximumSize: 100).count, 7)
        XCTAssertEqual(b.totalCount, 10)
    }

    func testSpecialTokensInTheCorpusAreIgnored() {
        let vocabulary = builder("<unk> <s> x </s> <pad>").build()
        XCTAssertEqual(vocabulary.tokens, Vocabulary.specialTokens + ["x"])
    }

    func testSaveLoadRoundTrip() throws {
        let files = try TemporaryFolder()
        let vocabulary = builder("Straße straße 東京 👍🏾 \" \\ a a").build()
        let path = files.path("vocab.txt")
        try vocabulary.save(to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\na\t2\n"), text)
        XCTAssertEqual(try Vocabulary.load(from: path), vocabulary)
        // No temporary file is left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: files.url.path), ["vocab.txt"])
    }

    func testSaveIntoMissingDirectoryFailsCleanly() throws {
        let files = try TemporaryFolder()
        let path = files.path("missing/vocab.txt")
        XCTAssertThrowsError(try builder("a").build().save(to: path)) { error in
            XCTAssertTrue("\(error)".contains("missing/"), "\(error)")
        }
    }

    /// Errors name the destination, not the temporary file, and a file or symbolic link at the
    /// old predictable temporary name (`.name.tmp.<pid>`) is never followed or overwritten.
    func testSaveNamesTheDestinationAndNeverFollowsALink() throws {
        let files = try TemporaryFolder()
        let missing = files.path("missing/vocab.txt")
        XCTAssertThrowsError(try builder("a").build().save(to: missing)) { error in
            XCTAssertEqual("\(error)", "\(missing): write failed: cannot create a temporary file in "
                           + "'\(files.path("missing"))': No such file or directory")
        }
        let victim = try files.write("victim.txt", "keep me\n")
        let path = files.path("vocab.txt")
        try FileManager.default.createSymbolicLink(atPath: files.path(".vocab.txt.tmp.\(getpid())"),
                                                   withDestinationPath: victim)
        try builder("a b").build().save(to: path)
        XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "keep me\n")
        XCTAssertEqual(try Vocabulary.load(from: path).count, 6)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: files.url.path).sorted(),
                       [".vocab.txt.tmp.\(getpid())", "victim.txt", "vocab.txt"])
    }

    func testMalformedFilesNameFileAndLine() throws {
        let files = try TemporaryFolder()
        let specials = "<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\n"
        let cases: [(String, Int, String)] = [
            (specials + "a\t3\nb 2\n", 6, "no TAB"),
            (specials + "a\t3\nb\t-2\n", 6, "not a non-negative integer"),
            (specials + "a\t3\nb\t2\tx\n", 6, "more than one TAB"),
            (specials + "a\t3\n\t2\n", 6, "empty token"),
            (specials + "a\t3\nb\t1\na\t1\n", 7, "already appears on line 5"),
            ("<pad>\t0\n<s>\t0\n", 2, "must be the special token <unk>"),
            ("<pad>\t0\n<unk>\t0\n", 3, "missing special token <s>"),
            ("", 1, "missing special token <pad>"),
        ]
        for (index, (content, line, reason)) in cases.enumerated() {
            let path = try files.write("v\(index).txt", content)
            XCTAssertThrowsError(try Vocabulary.load(from: path)) { error in
                let message = "\(error)"
                XCTAssertTrue(message.hasPrefix("\(path):\(line): malformed vocabulary file"), message)
                XCTAssertTrue(message.contains(reason), message)
            }
        }
        let invalid = try files.write("bad.txt", bytes: Array(specials.utf8) + [0x61, 0xC3, 0x09, 0x31, 0x0A])
        XCTAssertThrowsError(try Vocabulary.load(from: invalid)) { error in
            XCTAssertEqual(error as? FileError, .invalidUTF8(path: invalid, line: 5, byte: 2, value: 0xC3))
        }
        XCTAssertThrowsError(try Vocabulary.load(from: files.path("none.txt"))) { error in
            XCTAssertTrue("\(error)".contains("none.txt: cannot open"), "\(error)")
        }
    }

    func testBuildFromFileUsesTokenizerAndNormalizer() throws {
        let files = try TemporaryFolder()
        let path = try files.write("corpus.txt", "The cat sat.\nthe CAT ran!\n\nStraße, STRASSE.")
        var builder = VocabularyBuilder()
        try builder.addFile(path, tokenizer: ICUWordTokenizer(normalizer: TextNormalizer(caseMapping: .fold)))
        let vocabulary = builder.build()
        XCTAssertEqual(Array(vocabulary.tokens.dropFirst(4)), [".", "cat", "strasse", "the", "!", ",", "ran", "sat"])
        XCTAssertEqual(Array(vocabulary.counts.dropFirst(4)), [2, 2, 2, 2, 1, 1, 1, 1])
    }
}
