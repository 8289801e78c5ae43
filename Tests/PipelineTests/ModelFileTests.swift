import FileIO
import Foundation
import Pipeline
import Tensor
import NLPTestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Model files: a write/read round trip, byte-identical output, and every kind of bad file turned
/// into a `ModelFileError` naming the file.
final class ModelFileTests: XCTestCase {
    struct Configuration: Codable, Equatable {
        var hidden: Int
        var dropout: Double
        var vocabulary: [String]
        var labels: [String: Int]
    }

    struct Provenance: Codable, Equatable {
        struct DataFile: Codable, Equatable {
            var path: String
            var sha256: String
        }
        var files: [DataFile]
        var seed: UInt64
        var devAccuracy: Double
        var trainedAt: Date
    }

    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("modelfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    let configuration = Configuration(
        hidden: 48_151_623, dropout: 0.25, vocabulary: ["<pad>", "<unk>", "good", "ünï \"q\"/s"],
        labels: ["positive": 1, "negative": 0, "neutral": 2])

    let provenance = Provenance(
        files: [.init(path: "corpora/sst2/train.tsv", sha256: String(repeating: "ab", count: 32))],
        seed: 9_876_543_210, devAccuracy: 0.875, trainedAt: Date(timeIntervalSince1970: 1_780_000_000))

    let tensors = [
        SafeTensors.Tensor(name: "classifier.weight", shape: [2, 3],
                           values: Matrix(rows: 2, cols: 3, storage: [0.5, -1.25, 3, 1e-7, -7, .pi])),
        SafeTensors.Tensor(name: "classifier.bias", shape: [2], values: Matrix(rows: 1, cols: 2, storage: [0.125, -2])),
        SafeTensors.Tensor(name: "embedding.weight", shape: [4, 2], dtype: .f16,
                           values: Matrix(rows: 4, cols: 2, storage: [0, 1, -2, 0.5, 0.25, 1024, -0.125, 3])),
        SafeTensors.Tensor(name: "scale", shape: [], values: Matrix(rows: 1, cols: 1, storage: [2.5])),
    ]

    func model(task: Task = .sentiment) throws -> ModelFile {
        try ModelFile(task: task, configuration: configuration, provenance: provenance, tensors: tensors)
    }

    /// Reads `data` (written to a file) and checks the thrown error: a `ModelFileError` naming the
    /// file whose problem satisfies `matches`.
    func expect(_ data: Data, task: Task? = nil, file: StaticString = #filePath, line: UInt = #line,
                _ matches: (ModelFileError.Problem) -> Bool) throws {
        let target = path("case\(line)-\(UUID().uuidString.prefix(8)).safetensors")
        try data.write(to: URL(fileURLWithPath: target))
        expect(reading: target, task: task, file: file, line: line, matches)
    }

    func expect(reading target: String, task: Task? = nil, file: StaticString = #filePath, line: UInt = #line,
                _ matches: (ModelFileError.Problem) -> Bool) {
        XCTAssertThrowsError(try ModelFile.read(from: target, expecting: task), file: file, line: line) { error in
            guard let error = error as? ModelFileError else {
                return XCTFail("not a ModelFileError: \(error)", file: file, line: line)
            }
            XCTAssertTrue(matches(error.problem), "unexpected problem: \(error)", file: file, line: line)
            XCTAssertEqual(error.path, target, file: file, line: line)
            XCTAssertTrue(error.description.hasPrefix("\(target): "), error.description, file: file, line: line)
        }
    }

    /// A model file whose metadata was edited after writing (tensor data and its checksum intact).
    func edited(_ edit: (inout [String: String]) -> Void) throws -> Data {
        var file = try SafeTensors(decoding: try model().encoded())
        edit(&file.metadata)
        return try file.encoded()
    }

    // MARK: - Round trip

    func testWriteReadRoundTrip() throws {
        let original = try model()
        let target = path("sentiment.safetensors")
        try original.write(to: target)

        for task: Task? in [.sentiment, nil] {
            let read = try ModelFile.read(from: target, expecting: task)
            XCTAssertEqual(read.task, .sentiment)
            XCTAssertEqual(read.configuration, original.configuration)
            XCTAssertEqual(read.provenance, original.provenance)
            XCTAssertEqual(read.tensors, tensors.sorted { $0.name < $1.name })
            XCTAssertEqual(read, ModelFile(task: .sentiment, configurationJSON: original.configuration,
                                           provenanceJSON: original.provenance, tensors: tensors.sorted { $0.name < $1.name }))
            XCTAssertEqual(try read.decodeConfiguration(Configuration.self, path: target), configuration)
            XCTAssertEqual(try read.decodeProvenance(Provenance.self, path: target), provenance)
            XCTAssertEqual(read.tensor(named: "embedding.weight"), tensors[2])
            XCTAssertNil(read.tensor(named: "embedding"))
        }

        // The documents as stored: sorted keys, unescaped slashes, ISO 8601 dates.
        XCTAssertEqual(
            String(decoding: original.configuration, as: UTF8.self),
            #"{"dropout":0.25,"hidden":48151623,"labels":{"negative":0,"neutral":2,"positive":1},"vocabulary":["<pad>","<unk>","good","ünï \"q\"/s"]}"#)
        XCTAssertEqual(
            String(decoding: original.provenance, as: UTF8.self),
            #"{"devAccuracy":0.875,"files":[{"path":"corpora/sst2/train.tsv","sha256":"\#(String(repeating: "ab", count: 32))"}],"seed":9876543210,"trainedAt":"2026-05-28T20:26:40Z"}"#)
    }

    /// The file is an ordinary safetensors file with the documented metadata and checksums.
    func testTheExistingSafeTensorsReaderReadsTheFile() throws {
        let original = try model(task: .tagger)
        let target = path("tagger.safetensors")
        try original.write(to: target)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: target))
        let file = try SafeTensors(contentsOf: URL(fileURLWithPath: target))

        XCTAssertEqual(Set(file.metadata.keys), ["format", "format_version", "task", "configuration", "provenance",
                                                  "configuration_sha256", "provenance_sha256", "tensors_sha256"])
        XCTAssertEqual(file.metadata["format"], "nlp-model")
        XCTAssertEqual(file.metadata["format_version"], "1")
        XCTAssertEqual(ModelFile.currentVersion, 1)
        XCTAssertEqual(file.metadata["task"], "tagger")
        XCTAssertEqual(file.metadata["configuration"].map { Data($0.utf8) }, original.configuration)
        XCTAssertEqual(file.metadata["provenance"].map { Data($0.utf8) }, original.provenance)
        XCTAssertEqual(file.metadata["configuration_sha256"], SHA256.hexDigest(original.configuration))
        XCTAssertEqual(file.metadata["provenance_sha256"], SHA256.hexDigest(original.provenance))
        let headerLength = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual(file.metadata["tensors_sha256"], SHA256.hexDigest(bytes.suffix(from: 8 + headerLength)))
        XCTAssertEqual(bytes.count - 8 - headerLength, 4 * (6 + 2 + 1) + 2 * 8)
        XCTAssertEqual(file.tensors.sorted { $0.name < $1.name }, tensors.sorted { $0.name < $1.name })
    }

    func testTheSameModelGivesIdenticalBytes() throws {
        // Equal dictionaries built in different orders (their iteration order may differ).
        var reversed = configuration
        reversed.labels = [:]
        for (label, id) in configuration.labels.sorted(by: { $0.key > $1.key }) { reversed.labels[label] = id }
        try model().write(to: path("a.safetensors"))
        try ModelFile(task: .sentiment, configuration: reversed, provenance: provenance, tensors: tensors.reversed())
            .write(to: path("b.safetensors"))
        let a = try Data(contentsOf: URL(fileURLWithPath: path("a.safetensors")))
        let b = try Data(contentsOf: URL(fileURLWithPath: path("b.safetensors")))
        XCTAssertEqual(a, b)
        XCTAssertEqual(a, try model().encoded())
        // And a different model gives different bytes.
        XCTAssertNotEqual(a, try model(task: .translate).encoded())
    }

    // MARK: - Damaged files

    func testTruncatedFiles() throws {
        let bytes = try model().encoded()
        let headerLength = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let cuts = [0, 3, 7, 8, 8 + headerLength / 2, 8 + headerLength - 1, 8 + headerLength,
                    8 + headerLength + 5, bytes.count - 3, bytes.count - 1]
        for cut in cuts {
            try expect(bytes.prefix(cut)) { if case .notSafeTensors = $0 { true } else { false } }
        }
    }

    func testFlippedTensorByteIsACorruption() throws {
        let bytes = try model().encoded()
        for position in [bytes.count - 1, bytes.count - 20] {
            var corrupted = bytes
            corrupted[position] ^= 0x01
            XCTAssertNoThrow(try SafeTensors(decoding: corrupted), "still a valid safetensors file")
            try expect(corrupted) { if case .tensorChecksumMismatch = $0 { true } else { false } }
        }
        var corrupted = bytes
        corrupted[corrupted.count - 1] ^= 0x01
        let target = path("flipped.safetensors")
        try corrupted.write(to: URL(fileURLWithPath: target))
        XCTAssertThrowsError(try ModelFile.read(from: target, expecting: .sentiment)) { error in
            XCTAssertTrue("\(error)".contains("is corrupted: tensor data checksum mismatch"), "\(error)")
        }
    }

    /// A digit changed inside a document: the file stays a valid safetensors file and the document
    /// valid JSON, so only the checksum can catch it.
    func testChangedDigitInADocumentIsACorruption() throws {
        let bytes = try model().encoded()
        for (document, digits, changed) in [(ModelFileError.Document.configuration, "48151623", "48151624"),
                                            (.provenance, "9876543210", "9876543211")] {
            let range = try XCTUnwrap(bytes.range(of: Data(digits.utf8)))
            var corrupted = bytes
            corrupted.replaceSubrange(range, with: Data(changed.utf8))
            let file = try SafeTensors(decoding: corrupted)
            let text = try XCTUnwrap(file.metadata[document.rawValue])
            XCTAssertTrue(text.contains(changed))
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(text.utf8)))
            try expect(corrupted) {
                if case .documentChecksumMismatch(document, _, _) = $0 { true } else { false }
            }
        }
    }

    func testWrongTask() throws {
        let target = path("tagger.safetensors")
        try model(task: .tagger).write(to: target)
        expect(reading: target, task: .sentiment) { $0 == .wrongTask(found: .tagger, expected: .sentiment) }
        XCTAssertThrowsError(try ModelFile.read(from: target, expecting: .sentiment)) { error in
            XCTAssertTrue("\(error)".contains("holds a tagger model, not a sentiment model"), "\(error)")
        }
        XCTAssertEqual(try ModelFile.read(from: target, expecting: .tagger).task, .tagger)
    }

    func testUnknownTask() throws {
        try expect(try edited { $0["task"] = "summarize" }) { $0 == .unknownTask("summarize") }
    }

    func testNewerFormatVersion() throws {
        let data = try edited { $0["format_version"] = "2" }
        try expect(data) { $0 == .newerVersion(found: 2, supported: 1) }
        let target = path("future.safetensors")
        try data.write(to: URL(fileURLWithPath: target))
        XCTAssertThrowsError(try ModelFile.read(from: target, expecting: nil)) { error in
            XCTAssertTrue("\(error)".contains("written by a newer version of nlp (format 2; this build reads 1)"), "\(error)")
        }
    }

    func testInvalidFormatVersions() throws {
        for version in ["", "abc", "0", "-1", "1.0", "01", " 1", "+1", "99999999999999999999999"] {
            try expect(try edited { $0["format_version"] = version }) { $0 == .invalidVersion(version) }
        }
        try expect(try edited { $0["format_version"] = nil }) { $0 == .invalidVersion(nil) }
    }

    func testMissingMetadataKeys() throws {
        for key in ["task", "configuration", "configuration_sha256", "provenance", "provenance_sha256", "tensors_sha256"] {
            try expect(try edited { $0[key] = nil }) { $0 == .missingKey(key) }
        }
    }

    /// A document that is not JSON, with a matching checksum (as a buggy writer would produce).
    func testDocumentThatIsNotJSON() throws {
        let data = try edited {
            $0["configuration"] = "{\"hidden\": 4"
            $0["configuration_sha256"] = SHA256.hexDigest(Data("{\"hidden\": 4".utf8))
        }
        try expect(data) { if case .invalidJSON(.configuration, _) = $0 { true } else { false } }
    }

    func testPlainSafeTensorsFileIsNotAModel() throws {
        let plain = try SafeTensors(tensors: tensors).encoded()
        try expect(plain) { $0 == .notAModel(format: nil) }
        // Hugging Face's writers record {"format": "pt"}.
        try expect(try SafeTensors(tensors: tensors, metadata: ["format": "pt"]).encoded()) { $0 == .notAModel(format: "pt") }
        let target = path("plain.safetensors")
        try plain.write(to: URL(fileURLWithPath: target))
        XCTAssertThrowsError(try ModelFile.read(from: target, expecting: nil)) { error in
            XCTAssertTrue("\(error)".contains("is a safetensors file but not an nlp model file"), "\(error)")
        }
    }

    func testNotASafeTensorsFile() throws {
        try expect(Data("this is a text file, not a model\n".utf8)) { if case .notSafeTensors = $0 { true } else { false } }
    }

    func testMissingFileAndDirectory() throws {
        let missing = path("absent.safetensors")
        expect(reading: missing) { $0 == .missing }
        XCTAssertThrowsError(try ModelFile.read(from: missing, expecting: nil)) { error in
            XCTAssertEqual("\(error)", "\(missing): no such file. Check the path.")
        }
        expect(reading: directory.path) { if case .unreadable = $0 { true } else { false } }
    }

    /// Every one-bit change anywhere in a model file, and every byte set to 0xFF, either throws a
    /// `ModelFileError` or changes a tensor's name only (the one part of the header no checksum
    /// covers; loading parameters by name catches it). Never a crash, never other silent damage.
    func testEveryByteCorruptionIsCaught() throws {
        let original = try model()
        let bytes = try original.encoded()
        var caught = 0
        var renamed = 0
        for position in 0..<bytes.count {
            for corruption in [{ (byte: UInt8) in byte ^ 0x01 }, { _ in 0xFF }] {
                var corrupted = bytes
                corrupted[position] = corruption(bytes[position])
                guard corrupted != bytes else { continue }
                let target = path("corrupt.safetensors")
                try corrupted.write(to: URL(fileURLWithPath: target))
                do {
                    let read = try ModelFile.read(from: target, expecting: .sentiment)
                    XCTAssertEqual(read.configuration, original.configuration, "byte \(position)")
                    XCTAssertEqual(read.provenance, original.provenance, "byte \(position)")
                    XCTAssertEqual(read.task, original.task, "byte \(position)")
                    let readNames = Set(read.tensors.map(\.name)), names = Set(tensors.map(\.name))
                    XCTAssertEqual(readNames.subtracting(names).count, 1, "byte \(position)")
                    XCTAssertEqual(read.tensors.map(\.values.storage).sorted { $0.lexicographicallyPrecedes($1) },
                                   tensors.map(\.values.storage).sorted { $0.lexicographicallyPrecedes($1) })
                    renamed += 1
                } catch is ModelFileError {
                    caught += 1
                }
            }
        }
        XCTAssertGreaterThan(caught, 2 * bytes.count - 200)
        XCTAssertLessThan(renamed, 100)
    }

    // MARK: - Writing

    func testDocumentsThatCannotBeStored() throws {
        XCTAssertThrowsError(try ModelFile(task: .sentiment, configuration: ["dropout": Double.nan], provenance: provenance,
                                           tensors: tensors)) { error in
            guard case .cannotEncode(.configuration, _) = (error as? ModelFileError)?.problem else { return XCTFail("\(error)") }
        }
        let target = path("bad.safetensors")
        let notJSON = ModelFile(task: .sentiment, configurationJSON: Data("{".utf8), provenanceJSON: Data("{}".utf8), tensors: tensors)
        XCTAssertThrowsError(try notJSON.write(to: target)) { error in
            XCTAssertEqual((error as? ModelFileError)?.path, target)
            guard case .invalidJSON(.configuration, _) = (error as? ModelFileError)?.problem else { return XCTFail("\(error)") }
        }
        let notUTF8 = ModelFile(task: .sentiment, configurationJSON: Data("{}".utf8), provenanceJSON: Data([0x22, 0xFF, 0x22]), tensors: tensors)
        XCTAssertThrowsError(try notUTF8.write(to: target)) { error in
            guard case .invalidJSON(.provenance, _) = (error as? ModelFileError)?.problem else { return XCTFail("\(error)") }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: target))
    }

    func testDecodingAsTheWrongTypeNamesTheFileAndKey() throws {
        struct Other: Decodable { var layers: Int }
        XCTAssertThrowsError(try model().decodeConfiguration(Other.self, path: "m.safetensors")) { error in
            guard let error = error as? ModelFileError, case .cannotDecode(.configuration, _, _) = error.problem else {
                return XCTFail("\(error)")
            }
            XCTAssertTrue(error.description.hasPrefix("m.safetensors: "), error.description)
            XCTAssertTrue(error.description.contains("layers"), error.description)
        }
    }

    /// Files left in the test directory other than `names` (temporary files must be removed).
    func strayFiles(besides names: Set<String>) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !names.contains($0) }
    }

    /// A write that fails before touching the disk (tensors that cannot be stored) or because the
    /// directory does not exist leaves the existing model as it was.
    func testFailedWritesLeaveTheOldFile() throws {
        let target = path("model.safetensors")
        try model().write(to: target)
        let before = try Data(contentsOf: URL(fileURLWithPath: target))

        let duplicate = try ModelFile(task: .tagger, configuration: configuration, provenance: provenance,
                                      tensors: tensors + [tensors[0]])
        XCTAssertThrowsError(try duplicate.write(to: target)) { error in
            guard case .invalidTensors = (error as? ModelFileError)?.problem else { return XCTFail("\(error)") }
        }
        let elsewhere = path("no-such-directory/model.safetensors")
        XCTAssertThrowsError(try model(task: .tagger).write(to: elsewhere)) { error in
            guard case .writeFailed = (error as? ModelFileError)?.problem else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".hasPrefix("\(elsewhere): cannot write the model file"), "\(error)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: target)), before)
        XCTAssertEqual(try strayFiles(besides: ["model.safetensors"]), [])
    }

    /// A write that fails midway (the process's file size limit is lowered so that `write` fails
    /// with EFBIG after some bytes reached the temporary file) leaves the old model intact and no
    /// temporary file behind.
    func testWriteFailingMidwayLeavesTheOldFile() throws {
        #if canImport(Glibc)
        let target = path("model.safetensors")
        try model().write(to: target)
        let before = try Data(contentsOf: URL(fileURLWithPath: target))
        let big = [SafeTensors.Tensor(name: "big", shape: [64, 1024], values: Matrix(rows: 64, cols: 1024, repeating: 1))]
        let bigger = try ModelFile(task: .tagger, configuration: configuration, provenance: provenance, tensors: big)

        var saved = rlimit()
        XCTAssertEqual(getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &saved), 0)
        var lowered = saved
        lowered.rlim_cur = 64 * 1024
        let previousHandler = signal(SIGXFSZ, SIG_IGN)
        XCTAssertEqual(setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &lowered), 0)
        var thrown: Error?
        do { try bigger.write(to: target) } catch { thrown = error }
        XCTAssertEqual(setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &saved), 0)
        signal(SIGXFSZ, previousHandler)

        let error = try XCTUnwrap(thrown as? ModelFileError, "the write should have failed")
        guard case .writeFailed(let reason) = error.problem else { return XCTFail("\(error)") }
        XCTAssertTrue(reason.contains("File too large"), reason)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: target)), before)
        XCTAssertEqual(try ModelFile.read(from: target, expecting: .sentiment).task, .sentiment)
        XCTAssertEqual(try strayFiles(besides: ["model.safetensors"]), [])
        // Without the limit the same write succeeds.
        try bigger.write(to: target)
        XCTAssertEqual(try ModelFile.read(from: target, expecting: .tagger).tensors, big)
        #else
        throw XCTSkip("lowers the file size limit with Glibc's setrlimit")
        #endif
    }

    /// A read-only directory: the write fails and the old model stays. Root ignores directory
    /// permissions, so this test skips when run as root.
    func testReadOnlyDirectory() throws {
        guard geteuid() != 0 else { throw XCTSkip("running as root, which may write into read-only directories") }
        let target = path("model.safetensors")
        try model().write(to: target)
        let before = try Data(contentsOf: URL(fileURLWithPath: target))
        XCTAssertEqual(chmod(directory.path, 0o555), 0)
        defer { chmod(directory.path, 0o755) }
        XCTAssertThrowsError(try model(task: .tagger).write(to: target)) { error in
            guard case .writeFailed = (error as? ModelFileError)?.problem else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: target)), before)
    }

    func testOverwritingReplacesTheModel() throws {
        let target = path("model.safetensors")
        try model().write(to: target)
        try model(task: .translate).write(to: target)
        XCTAssertEqual(try ModelFile.read(from: target, expecting: .translate).task, .translate)
        XCTAssertEqual(try strayFiles(besides: ["model.safetensors"]), [])
    }
}
