import Foundation
import FileIO
import NLPTestSupport
import XCTest

/// Atomic replacement, and the clean-up of what killed writes leave behind.
final class AtomicFileTests: XCTestCase {
    func testWriteReplacesTheFileAndLeavesNoTemporary() throws {
        let files = try TemporaryFolder()
        let path = try files.write("m.bin", "old")
        try AtomicFile.write(Array("new".utf8), to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "new")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: files.url.path), ["m.bin"])
    }

    /// Temporaries of processes that no longer run, last written over a minute ago, are removed;
    /// those of a running process (this one), fresh ones, names not of the writer's form, those
    /// of other files, and the file itself stay.
    func testAbandonedTemporariesOfDeadProcessesAreRemoved() throws {
        let files = try TemporaryFolder()
        let dead = "\(Int32.max)"   // no process has this id
        let path = try files.write("m.bin", "model")
        let abandoned = try files.write(".m.bin.tmp.\(dead).1f2e", "half")
        let kept = [
            path,
            try files.write(".m.bin.tmp.\(getpid()).3c4d", "being written"),
            try files.write(".n.bin.tmp.\(dead).5e6f", "another file's"),
            try files.write(".m.bin.tmp.\(dead).ab.keep-me.txt", "not a temporary's name"),
            try files.write(".m.bin.tmp.\(dead)", "no suffix"),
            try files.write(".m.bin.tmp.+\(dead).ab", "a sign"),
            try files.write(".m.bin.tmp.\(dead).tmp.\(dead).ab", "the temporary of 'm.bin.tmp.\(dead)'"),
        ]
        let checkpointOne = try files.write(".m.bin.checkpoint.tmp.\(dead).7a8b", "the checkpoint's")
        let old = Date(timeIntervalSinceNow: -3600)
        for file in kept + [abandoned, checkpointOne] {
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: file)
        }
        let fresh = try files.write(".m.bin.tmp.\(dead).9c0d", "written just now")
        AtomicFile.removeAbandonedTemporaries(for: path)
        XCTAssertFalse(FileManager.default.fileExists(atPath: abandoned))
        for file in kept + [fresh, checkpointOne] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: file), file)
        }
        AtomicFile.removeAbandonedTemporaries(for: path + ".checkpoint")
        XCTAssertFalse(FileManager.default.fileExists(atPath: checkpointOne))
    }
}
