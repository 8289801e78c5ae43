import Foundation
import FileIO
import XCTest

/// SHA-256 against the FIPS 180-4 / NIST example vectors, at every padding boundary, in uneven
/// chunks, and against the system's `sha256sum`.
final class SHA256Tests: XCTestCase {
    func digest(_ text: String) -> String {
        SHA256.hexDigest(Data(text.utf8))
    }

    func testNISTExampleVectors() {
        XCTAssertEqual(digest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(
            digest("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    /// Lengths around the block (64) and padding (55/56) boundaries; expected values from Python's
    /// hashlib.
    func testPaddingBoundaries() {
        let expected: [Int: String] = [
            55: "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
            56: "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
            57: "f13b2d724659eb3bf47f2dd6af1accc87b81f09f59f2b75e5c0bed6589dfe8c6",
            63: "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34",
            64: "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
            65: "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0",
            111: "6374f73208854473827f6f6a3f43b1f53eaa3b82c21c1a6d69a2110b2a79baad",
            112: "f54353008a2553262ecdc4a34749563ba0950e8b0fc8652780b0a614b99683c1",
            119: "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb",
            120: "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c",
            128: "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e",
        ]
        for (count, hex) in expected {
            XCTAssertEqual(digest(String(repeating: "a", count: count)), hex, "\(count) × 'a'")
        }
    }

    /// One million 'a' (the NIST long-message vector), fed in chunks of 1 to 1000 bytes that cross
    /// block boundaries at every offset.
    func testOneMillionAInUnevenChunks() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        var hasher = SHA256()
        var offset = 0
        var size = 1
        message.withUnsafeBytes { bytes in
            while offset < bytes.count {
                let end = min(offset + size, bytes.count)
                hasher.update(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
                offset = end
                size = size % 1000 + 7
            }
            hasher.update(UnsafeRawBufferPointer(rebasing: bytes[0..<0]))  // empty updates change nothing
        }
        let hex = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        XCTAssertEqual(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        XCTAssertEqual(SHA256.hexDigest(Data(message)), hex)
    }

    /// A `Data` slice (whose indices do not start at 0) and empty updates.
    func testDataSlicesAndEmptyUpdates() {
        let slice = Data("xxabcxx".utf8)[2..<5]
        var hasher = SHA256()
        hasher.update(Data())
        hasher.update(slice)
        let hex = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        XCTAssertEqual(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hexDigest(slice), hex)
    }

    /// A few hundred KB of pseudo-random bytes (not a whole number of blocks or file chunks):
    /// `hexDigest(ofFile:)` and `hexDigest(_:)` agree with /usr/bin/sha256sum.
    func testAgreesWithSha256sum() throws {
        let tool = "/usr/bin/sha256sum"
        guard FileManager.default.isExecutableFile(atPath: tool) else { throw XCTSkip("\(tool) is not installed") }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let bytes = (0..<(300_000 + 37)).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sha256-\(UUID().uuidString).bin")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = [url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let expected = String(decoding: output, as: UTF8.self).split(separator: " ").first.map(String.init)
        XCTAssertEqual(expected?.count, 64)

        XCTAssertEqual(try SHA256.hexDigest(ofFile: url.path), expected)
        XCTAssertEqual(SHA256.hexDigest(Data(bytes)), expected)
    }

    /// A file larger than the 1 MiB read chunk hashes as its bytes do.
    func testFileLargerThanOneChunk() throws {
        let bytes = [UInt8]((0..<(3 << 20) + 5).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) })
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sha256-\(UUID().uuidString).bin")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertEqual(try SHA256.hexDigest(ofFile: url.path), SHA256.hexDigest(Data(bytes)))
    }

    func testUnreadableFilesThrowNamingThePath() {
        let missing = "/nonexistent-\(UUID().uuidString)/train.txt"
        XCTAssertThrowsError(try SHA256.hexDigest(ofFile: missing)) { error in
            XCTAssertEqual((error as? FileError)?.path, missing)
            XCTAssertTrue("\(error)".contains(missing), "\(error)")
            XCTAssertTrue("\(error)".contains("No such file"), "\(error)")
        }
        let directory = FileManager.default.temporaryDirectory.path
        XCTAssertThrowsError(try SHA256.hexDigest(ofFile: directory)) { error in
            XCTAssertTrue("\(error)".contains(directory), "\(error)")
        }
    }
}
