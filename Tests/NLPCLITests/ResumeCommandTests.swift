import Foundation
import XCTest

/// `kill -9` in the middle of `nlp train`, then the same command with `--resume`: the model file is
/// byte-identical to that of a run that was never interrupted.
final class ResumeCommandTests: XCTestCase {
    func testResumeAfterKillNineGivesTheSameModelFile() throws {
        let dir = try TemporaryDirectory()
        func arguments(_ output: String) -> [String] {
            ["train", "sentiment", "--train", SentimentCommandTests.sample, "--dev", SentimentCommandTests.sample,
             "-o", output, "--epochs", "60", "--patience", "60", "--checkpoint-every-batches", "3"]
                + SentimentCommandTests.smallNetwork
        }
        let straight = dir.path("straight.safetensors"), killed = dir.path("killed.safetensors")
        let reference = try NLPRunner.run(arguments(straight))
        XCTAssertEqual(reference.status, 0, reference.stderr)

        let process = Process()
        process.executableURL = try NLPRunner.executable()
        process.arguments = arguments(killed)
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill without warning as soon as the first checkpoint exists (early in epoch 1, long
        // before the best epoch), so the resumed run must redo nearly all of the training.
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: killed + ".checkpoint") && process.isRunning && Date() < deadline {
            usleep(1_000)
        }
        XCTAssertTrue(process.isRunning, "training ended before it could be interrupted; give it more epochs")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        XCTAssertTrue(FileManager.default.fileExists(atPath: killed + ".checkpoint"))

        // The same command without --resume would throw the checkpoint away: refused, saying so.
        let restarted = try NLPRunner.run(arguments(killed))
        XCTAssertNotEqual(restarted.status, 0)
        XCTAssertTrue(restarted.stderr.contains("add --resume to continue it"), restarted.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: killed + ".checkpoint"))

        let resumed = try NLPRunner.run(arguments(killed) + ["--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: killed)), try Data(contentsOf: URL(fileURLWithPath: straight)))
        XCTAssertFalse(FileManager.default.fileExists(atPath: killed + ".checkpoint"))
    }

    func testResumeWithoutACheckpointSaysSo() throws {
        let dir = try TemporaryDirectory()
        let result = try NLPRunner.run(["train", "sentiment", "--train", SentimentCommandTests.sample,
                                        "-o", dir.path("m.safetensors"), "--resume"] + SentimentCommandTests.smallNetwork)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("no checkpoint to resume from"), result.stderr)
    }
}
