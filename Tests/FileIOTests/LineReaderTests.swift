import FileIO
import Foundation
import NLPTestSupport
import XCTest

final class LineReaderTests: XCTestCase {
    private func lines(_ path: String, chunkSize: Int) throws -> [(String, Int)] {
        var result: [(String, Int)] = []
        try LineReader(path: path, chunkSize: chunkSize).forEachLine { line, number in
            result.append((String(decoding: line, as: UTF8.self), number))
        }
        return result
    }

    func testSplitsOnNewlineOnlyAcrossChunkBoundaries() throws {
        let files = try TemporaryFolder()
        let text = "first line\n\nthird\u{2028}still third\r\nfünf ünïcödé\nlast without newline"
        let path = try files.write("a.txt", text)
        let expected = ["first line", "", "third\u{2028}still third\r", "fünf ünïcödé", "last without newline"]
        for chunkSize in [1, 2, 3, 7, 64, 1 << 20] {
            let got = try lines(path, chunkSize: chunkSize)
            XCTAssertEqual(got.map(\.0), expected, "chunk \(chunkSize)")
            XCTAssertEqual(got.map(\.1), [1, 2, 3, 4, 5], "chunk \(chunkSize)")
        }
    }

    func testEmptyFileAndLoneNewline() throws {
        let files = try TemporaryFolder()
        XCTAssertEqual(try lines(files.write("empty.txt", ""), chunkSize: 16).count, 0)
        XCTAssertEqual(try lines(files.write("nl.txt", "\n"), chunkSize: 16).map(\.0), [""])
    }

    func testInvalidUTF8ReportsFileLineAndByteAfterDeliveringEarlierLines() throws {
        let files = try TemporaryFolder()
        let bytes = Array("good\nstill good\nbad ".utf8) + [0xE2, 0x28, 0xA1] + Array(" end\nnever\n".utf8)
        let path = try files.write("bad.txt", bytes: bytes)
        for chunkSize in [4, 1 << 20] {
            var seen: [String] = []
            XCTAssertThrowsError(try LineReader(path: path, chunkSize: chunkSize).forEachLine { line, _ in
                seen.append(String(decoding: line, as: UTF8.self))
            }) { error in
                XCTAssertEqual(error as? FileError, .invalidUTF8(path: path, line: 3, byte: 5, value: 0xE2))
                XCTAssertEqual("\(error)", "\(path):3: invalid UTF-8 at byte 5 of the line (0xE2); the file must be UTF-8 encoded")
            }
            XCTAssertEqual(seen, ["good", "still good"], "chunk \(chunkSize)")
        }
    }

    func testRejectsOverlongSurrogatesAndTruncatedSequences() throws {
        let files = try TemporaryFolder()
        let bad: [[UInt8]] = [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE4, 0xB8], [0x80]]
        for (i, sequence) in bad.enumerated() {
            let path = try files.write("b\(i).txt", bytes: [0x41] + sequence)
            XCTAssertThrowsError(try lines(path, chunkSize: 1 << 10), "\(sequence)") { error in
                XCTAssertEqual(error as? FileError, .invalidUTF8(path: path, line: 1, byte: 2, value: sequence[0]))
            }
        }
        // Valid 4-byte sequences and the largest code points pass.
        let good = try files.write("good.txt", "𝄞 \u{10FFFF} \u{FFFF} \u{7FF}")
        XCTAssertEqual(try lines(good, chunkSize: 3).map(\.0), ["𝄞 \u{10FFFF} \u{FFFF} \u{7FF}"])
    }

    /// A line of exactly maximumLineLength bytes is accepted, one byte more is rejected, with or
    /// without a final "\n" and whether the chunk size divides the limit or not.
    func testLineLimitBoundaries() throws {
        let files = try TemporaryFolder()
        let exact = try files.write("exact.txt", "abcdefgh\nab\n")
        let exactLast = try files.write("exact-last.txt", "ab\nabcdefgh")
        let over = try files.write("over.txt", "abcdefghi\n")
        let overLast = try files.write("over-last.txt", "ab\nabcdefghi")
        for chunkSize in [3, 4, 8] {
            func read(_ path: String) throws -> [String] {
                var seen: [String] = []
                try LineReader(path: path, chunkSize: chunkSize, maximumLineLength: 8).forEachLine { line, _ in
                    seen.append(String(decoding: line, as: UTF8.self))
                }
                return seen
            }
            XCTAssertEqual(try read(exact), ["abcdefgh", "ab"], "chunk \(chunkSize)")
            XCTAssertEqual(try read(exactLast), ["ab", "abcdefgh"], "chunk \(chunkSize)")
            XCTAssertThrowsError(try read(over), "chunk \(chunkSize)") { error in
                XCTAssertEqual(error as? FileError, .lineTooLong(path: over, line: 1, limit: 8))
            }
            XCTAssertThrowsError(try read(overLast), "chunk \(chunkSize)") { error in
                XCTAssertEqual(error as? FileError, .lineTooLong(path: overLast, line: 2, limit: 8))
            }
        }
    }

    func testMissingFileAndLineLimit() throws {
        let files = try TemporaryFolder()
        XCTAssertThrowsError(try LineReader(path: files.path("missing.txt"))) { error in
            XCTAssertEqual("\(error)", "\(files.path("missing.txt")): cannot open: No such file or directory")
        }
        let path = try files.write("long.txt", "short\n" + String(repeating: "x", count: 100) + "\nshort\n")
        XCTAssertThrowsError(try LineReader(path: path, chunkSize: 8, maximumLineLength: 64).forEachLine { _, _ in }) { error in
            XCTAssertEqual(error as? FileError, .lineTooLong(path: path, line: 2, limit: 64))
        }
        XCTAssertThrowsError(try LineReader(path: files.url.path).forEachLine { _, _ in }) { error in
            XCTAssertTrue("\(error)".contains("read failed"), "\(error)")
        }
    }

    /// A `.gz` file reads as its decompressed lines, also when it holds several gzip members (as
    /// `cat a.gz b.gz > all.gz` makes); `decompress: false` reads its own bytes.
    func testGzipFilesAreDecompressedAsTheyAreRead() throws {
        let files = try TemporaryFolder()
        let lines = (0..<50_000).map { "line \($0) ü" }
        try gzip(files.write("a.txt", lines[..<25_000].joined(separator: "\n") + "\n"))
        try gzip(files.write("b.txt", lines[25_000...].joined(separator: "\n") + "\n"))
        let joined = try files.write("all.txt.gz", bytes: files.bytes("a.txt.gz") + files.bytes("b.txt.gz"))
        XCTAssertEqual(try LineReader(path: joined, chunkSize: 4096).readAllLines(), lines)
        XCTAssertEqual(try InputFile(path: joined).readAll(), Array((lines.joined(separator: "\n") + "\n").utf8))
        XCTAssertEqual(try InputFile(path: joined, decompress: false).readAll(), try files.bytes("all.txt.gz"))
    }

    /// A truncated `.gz` names the file, zlib's reason and the complete lines read before; damaged
    /// compressed data is an error too, never silently short data.
    func testTruncatedOrDamagedGzipFilesAreErrors() throws {
        let files = try TemporaryFolder()
        try gzip(files.write("a.txt", (0..<50_000).map { "line \($0)\n" }.joined()))
        let whole = try files.bytes("a.txt.gz")
        let cut = try files.write("cut.txt.gz", bytes: Array(whole.prefix(whole.count / 2)))
        var delivered = 0
        XCTAssertThrowsError(try LineReader(path: cut, chunkSize: 4096).forEachLine { _, _ in delivered += 1 }) { error in
            guard case let .damagedGzip(path, line, reason)? = error as? FileError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, cut)
            XCTAssertEqual(reason, "unexpected end of file")
            XCTAssertEqual(line, delivered)
            XCTAssertGreaterThan(line, 1000)
            XCTAssertEqual("\(error)", "\(cut): gzip could not decompress it after line \(line) (unexpected end of file); "
                           + "is the file truncated?")
        }
        var damaged = whole
        for i in (whole.count / 2)..<(whole.count / 2 + 64) { damaged[i] ^= 0x5A }
        let bad = try files.write("bad.txt.gz", bytes: damaged)
        XCTAssertThrowsError(try InputFile(path: bad).readAll()) { error in
            guard case .damagedGzip(bad, _, _)? = error as? FileError else { return XCTFail("\(error)") }
        }
    }

    /// Compresses `path` to `path.gz` with the system's gzip, keeping `path`.
    func gzip(_ path: String) throws {
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-k", path]
        try gzip.run()
        gzip.waitUntilExit()
        XCTAssertEqual(gzip.terminationStatus, 0)
    }
}
