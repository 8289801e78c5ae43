import Foundation
import Tokenize
import XCTest

/// Atomic replacement, and the clean-up of what killed writes leave behind.
final class AtomicFileWriterTests: XCTestCase {
    func testWriteReplacesTheFileAndLeavesNoTemporary() throws {
        let files = try TemporaryFiles()
        let path = try files.write("m.bin", "old")
        try AtomicFileWriter.write(Array("new".utf8), to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "new")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: files.directory.path), ["m.bin"])
    }

    /// Temporaries of processes that no longer run are removed; those of a running process (this
    /// one), of other files, and the file itself stay.
    func testAbandonedTemporariesOfDeadProcessesAreRemoved() throws {
        let files = try TemporaryFiles()
        let path = try files.write("m.bin", "model")
        let dead = try files.write(".m.bin.tmp.\(Int32.max).1f2e", "half")     // no process has this id
        let running = try files.write(".m.bin.tmp.\(getpid()).3c4d", "being written")
        let other = try files.write(".n.bin.tmp.\(Int32.max).5e6f", "another file's")
        let checkpointOne = try files.write(".m.bin.checkpoint.tmp.\(Int32.max).7a8b", "the checkpoint's")
        AtomicFileWriter.removeAbandonedTemporaries(for: path)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dead))
        for kept in [path, running, other, checkpointOne] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: kept), kept)
        }
        AtomicFileWriter.removeAbandonedTemporaries(for: path + ".checkpoint")
        XCTAssertFalse(FileManager.default.fileExists(atPath: checkpointOne))
    }
}
