import Foundation
import XCTest

/// Runs the built `nlp` executable as a subprocess.
///
/// The binary is looked up next to the test bundle (SwiftPM puts `nlp` and the `.xctest` bundle
/// in the same build directory), then in `.build/{release,debug}` of the package.
enum NLPRunner {
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
        var output: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// The package's root folder (this file is Tests/NLPCLITests/NLPRunner.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func executable() throws -> URL {
        final class Anchor {}
        var candidates: [URL] = [
            Bundle(for: Anchor.self).bundleURL.deletingLastPathComponent(),
            Bundle.main.bundleURL,
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        ].map { $0.appendingPathComponent("nlp") }
        candidates += ["release", "debug"].map { packageRoot.appendingPathComponent(".build/\($0)/nlp") }
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
        XCTFail("nlp executable not found; looked at \(candidates.map(\.path))")
        throw XCTSkip("no nlp executable")
    }

    /// Runs `nlp arguments` with `stdin` as standard input and waits for it. Standard input,
    /// output and error go through temporary files, so no pipe can fill up and block the child.
    /// With `openFileLimit`, the child runs under `ulimit -n openFileLimit` (through /bin/sh);
    /// `environment` adds to (or overrides) this process's variables.
    static func run(_ arguments: [String], stdin: Data = Data(), openFileLimit: Int? = nil,
                    environment: [String: String] = [:]) throws -> Result {
        let dir = try TemporaryDirectory()
        let inURL = URL(fileURLWithPath: try dir.write("stdin", bytes: Array(stdin)))
        _ = FileManager.default.createFile(atPath: dir.path("stdout"), contents: nil)
        _ = FileManager.default.createFile(atPath: dir.path("stderr"), contents: nil)
        let input = try FileHandle(forReadingFrom: inURL)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: dir.path("stdout")))
        let error = try FileHandle(forWritingTo: URL(fileURLWithPath: dir.path("stderr")))
        defer {
            try? input.close()
            try? output.close()
            try? error.close()
        }
        let process = Process()
        if let openFileLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -n \(openFileLimit) && exec \"$0\" \"$@\"", try executable().path] + arguments
        } else {
            process.executableURL = try executable()
            process.arguments = arguments
        }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: try Data(contentsOf: URL(fileURLWithPath: dir.path("stdout"))),
            stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir.path("stderr"))), as: UTF8.self))
    }

    static func run(_ arguments: [String], input: String) throws -> Result {
        try run(arguments, stdin: Data(input.utf8))
    }
}
