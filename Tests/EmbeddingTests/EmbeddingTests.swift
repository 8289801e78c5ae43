import Embedding
import Foundation
import NLPTestSupport
import Seq2Seq
import Tensor
import XCTest

final class EmbeddingTests: XCTestCase {
    func testForwardGathersRowsAndBackwardScattersIntoUsedRowsOnly() {
        let table = Matrix<Float>(rows: 4, cols: 2, storage: [0, 0, 1, 2, 3, 4, 5, 6])
        let embedding = Embedding(table: table, paddingIndex: 0)
        let ids = [2, 0, 2, 3]
        XCTAssertEqual(embedding.forward(ids).storage, [3, 4, 0, 0, 3, 4, 5, 6])
        let gradient = Matrix<Float>(rows: 4, cols: 2, storage: [1, 1, 9, 9, 2, 3, 4, 5])
        embedding.backward(outputGradient: gradient, ids: ids)
        // Row 2 used twice (summed), row 3 once, row 1 unused, row 0 is padding (never trained).
        XCTAssertEqual(embedding.table.gradient.storage, [0, 0, 0, 0, 3, 4, 4, 5])
    }

    func testFrozenTableGetsNoGradientIsNotUpdatedButIsSaved() throws {
        let embedding = Embedding(table: Matrix<Float>(rows: 3, cols: 2, repeating: 1), frozen: true)
        embedding.backward(outputGradient: Matrix(rows: 1, cols: 2, repeating: 5), ids: [1])
        XCTAssertEqual(embedding.table.gradient.squaredNorm, 0)
        // An optimizer leaves it alone even when a gradient is present ...
        embedding.table.gradient = Matrix(rows: 3, cols: 2, repeating: 1)
        var optimizer = SGD<Float>(learningRate: 0.5)
        optimizer.step(embedding.parameters)
        XCTAssertEqual(embedding.table.value.storage, [Float](repeating: 1, count: 6))
        // ... but it is one of the parameters, so model files keep it.
        XCTAssertEqual(embedding.parameters.map(\.name), ["weight"])
        embedding.isFrozen = false
        optimizer.step(embedding.parameters)
        XCTAssertEqual(embedding.table.value.storage, [Float](repeating: 0.5, count: 6))
    }

    func testPaddingRowIsZeroAtInitialisation() {
        var generator = SeededGenerator(seed: 1)
        let embedding = Embedding<Float>(vocabularySize: 5, dimension: 3, paddingIndex: 0, generator: &generator)
        XCTAssertEqual(embedding.table.value.rows(0..<1).squaredNorm, 0)
        XCTAssertGreaterThan(embedding.table.value.rows(1..<5).squaredNorm, 0)
    }

    func testPretrainedVectorsFromPlainAndGzipFiles() throws {
        let text = "the 0.5 -1 2\nParis 1 1 1\ncat 0.25 0.5 0.75\n"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nlp-vectors-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = directory.appendingPathComponent("vectors.txt")
        try text.write(to: plain, atomically: true, encoding: .utf8)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-k", plain.path]
        try gzip.run()
        gzip.waitUntilExit()

        for path in [plain.path, plain.path + ".gz"] {
            var generator = SeededGenerator(seed: 2)
            // <pad> stays zero, "The" falls back to "the", "dog" is unknown (random, non-zero).
            let vectors = try PretrainedVectors(contentsOf: path, words: ["<pad>", "The", "cat", "dog"],
                                                zeroRows: [0], generator: &generator)
            XCTAssertEqual(vectors.found, 2, path)
            XCTAssertEqual(vectors.table.rows(0..<1).storage, [0, 0, 0])
            XCTAssertEqual(vectors.table.rows(1..<2).storage, [0.5, -1, 2])
            XCTAssertEqual(vectors.table.rows(2..<3).storage, [0.25, 0.5, 0.75])
            XCTAssertGreaterThan(vectors.table.rows(3..<4).squaredNorm, 0)
            XCTAssertEqual(try PretrainedVectors.leadingWords(inFile: path, count: 2), ["the", "Paris"], path)
            XCTAssertEqual(try PretrainedVectors.leadingWords(inFile: path, count: 10), ["the", "Paris", "cat"], path)
        }
    }

    /// A truncated .gz: an error naming the file, how far it read and gzip's own words.
    func testTruncatedGzipFileSaysWhereItStopped() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nlp-truncated-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = directory.appendingPathComponent("vectors.txt")
        var generator = SeededGenerator(seed: 4)
        let lines = (0..<20_000).map { "w\($0) " + (0..<5).map { _ in String(generator.nextUnit()) }.joined(separator: " ") }
        try (lines.joined(separator: "\n") + "\n").write(to: plain, atomically: true, encoding: .utf8)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = [plain.path]
        try gzip.run()
        gzip.waitUntilExit()
        let compressed = plain.path + ".gz"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: compressed))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: compressed))
        XCTAssertThrowsError(try PretrainedVectors(contentsOf: compressed, words: ["w1"], generator: &generator)) {
            let message = "\($0)"
            XCTAssertTrue(message.hasPrefix("\(compressed): gzip could not decompress it after line "), message)
            XCTAssertTrue(message.contains("unexpected end of file") && message.contains("is the file truncated?"), message)
        }
    }

    func testMalformedVectorFileNamesFileAndLine() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-vectors-\(getpid()).txt")
        try "cat 1 2 3\ndog 1 x 3\n".write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        var generator = SeededGenerator(seed: 3)
        XCTAssertThrowsError(try PretrainedVectors(contentsOf: path.path, words: ["cat", "dog"], generator: &generator)) {
            XCTAssertTrue("\($0)".contains("\(path.path):2:"), "\($0)")
        }
        try "cat 1 2 3\ndog 1 2\n".write(to: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try PretrainedVectors(contentsOf: path.path, words: ["cat", "dog"], generator: &generator)) {
            XCTAssertTrue("\($0)".contains(":2: 2 numbers where earlier lines have 3"), "\($0)")
        }
        XCTAssertThrowsError(try PretrainedVectors(contentsOf: "/nonexistent/v.txt", words: ["cat"], generator: &generator))
    }
}

extension EmbeddingTests {
    /// Found by FuzzPretrainedVectors: a word with no numbers after it gave a table of width 0, and
    /// non-finite numbers were taken as they were.
    func testVectorFilesWithoutNumbersOrWithNonFiniteNumbersAreRefusedNamingTheLine() throws {
        let folder = try TemporaryFolder()
        var generator = SeededGenerator(seed: 3)
        for (text, message) in [("cat \n", ":1: expected a word and its numbers, found no numbers"),
                                ("cat 1 nan 2\n", ":1: 'nan' is not a finite number"),
                                ("cat 1 2\ndog 1e39 2\n", ":2: '1e39' is not a finite number"),
                                ("cat 1 2\ndog -inf 2\n", ":2: '-inf' is not a finite number")] {
            let path = try folder.write("v.txt", text)
            XCTAssertThrowsError(try PretrainedVectors(contentsOf: path, words: ["cat", "dog"], generator: &generator)) {
                XCTAssertTrue("\($0)".hasPrefix(path + message), "\($0)")
            }
        }
    }

    /// Words not in the file are drawn at the found vectors' scale; near Float's limits the draws
    /// are clamped rather than overflowing to infinity.
    func testUnfoundWordsStayFiniteBesideVectorsNearFloatsLimits() throws {
        let folder = try TemporaryFolder()
        let huge = (0..<16).map { $0 % 2 == 0 ? "3e38" : "-3e38" }.joined(separator: " ")
        let path = try folder.write("v.txt", "cat \(huge)\n")
        var generator = SeededGenerator(seed: 3)
        let vectors = try PretrainedVectors(contentsOf: path, words: ["cat", "dog", "bird"], generator: &generator)
        XCTAssertEqual(vectors.found, 1)
        XCTAssertTrue(vectors.table.storage.allSatisfy(\.isFinite), "\(vectors.table.storage)")
    }
}
