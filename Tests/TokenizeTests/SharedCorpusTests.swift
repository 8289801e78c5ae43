import FileIO
import Foundation
import Tokenize
import NLPTestSupport
import XCTest

/// Checks on the real corpora in ../shared/corpora; skipped when that folder is absent.
final class SharedCorpusTests: XCTestCase {
    /// Every token of Multi30k val (en, de) maps back to its bytes, with and without folding, and
    /// the fast block path agrees with tokenizing line by line and with ICU alone.
    func testMulti30kOffsetsAndBlockPath() throws {
        let corpora = try TemporaryFolder.sharedCorpora()
        for language in ["en", "de"] {
            let path = corpora.appendingPathComponent("multi30k/raw/val.\(language)").path
            let plain = try ICUWordTokenizer(locale: language)
            let folding = try ICUWordTokenizer(locale: language, normalizer: TextNormalizer(form: .nfkc, caseMapping: .fold))
            var lines = 0
            var expected: [UInt8] = []
            try LineReader(path: path).forEachLine { line, _ in
                lines += 1
                let tokens = plain.tokenize(utf8: line)
                XCTAssertFalse(tokens.isEmpty)
                for token in tokens {
                    XCTAssertEqual(String(decoding: line[token.range], as: UTF8.self), token.text)
                }
                XCTAssertEqual(folding.tokenize(utf8: line).map(\.range), tokens.map(\.range))
                expected += Array(tokens.map(\.text).joined(separator: " ").utf8) + [0x0A]
            }
            XCTAssertEqual(lines, 1014)
            var out: [UInt8] = []
            let lineTokenizer = try LineTokenizer(tokenizer: plain)
            try LineReader(path: path, chunkSize: 4096).forEachBlock { block, _ in lineTokenizer.process(block, into: &out) }
            XCTAssertEqual(out, expected)
            // The ASCII fast path (on in `plain`) gives exactly ICU's tokens.
            var icuOut: [UInt8] = []
            let icuOnly = try LineTokenizer(tokenizer: ICUWordTokenizer(locale: language, asciiFastPath: false))
            try LineReader(path: path).forEachBlock { block, _ in icuOnly.process(block, into: &icuOut) }
            XCTAssertEqual(icuOut, expected)
        }
    }

    func testSST2VocabularyHasLabelsAndWords() throws {
        let corpora = try TemporaryFolder.sharedCorpora()
        var builder = VocabularyBuilder()
        try builder.addFile(corpora.appendingPathComponent("sst2/stsa.binary.dev").path, tokenizer: ICUWordTokenizer())
        let vocabulary = builder.build(minimumCount: 2)
        XCTAssertEqual(vocabulary.counts[vocabulary.id(of: "0")] + vocabulary.counts[vocabulary.id(of: "1")] >= 872, true)
        XCTAssertTrue(vocabulary.contains("the"))
        XCTAssertTrue(vocabulary.counts.dropFirst(4).allSatisfy { $0 >= 2 })
    }
}
