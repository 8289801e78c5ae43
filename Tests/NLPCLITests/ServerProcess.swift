import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import XCTest

/// A real `nlp serve` for a test: the built executable started as a subprocess on a free port
/// (`--port 0`), the port read from its "listening on http://127.0.0.1:PORT" line, and an HTTP
/// client (AsyncHTTPClient) to talk to it. Its log (standard error) goes to a file that failures
/// quote. The process is killed when the value goes away, if it is still running.
final class ServerProcess: @unchecked Sendable {
    /// One HTTP answer: status, headers, body, and the body as JSON when it parses.
    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
        /// `error.field` of an error body.
        var errorField: String? { (json["error"] as? [String: Any])?["field"] as? String }
        var errorMessage: String { (json["error"] as? [String: Any])?["message"] as? String ?? "" }
    }

    /// One client for every server, with room for 64 connections at once (AsyncHTTPClient's
    /// shared client opens 8 to a host, and the tests need 32 requests to arrive together). It
    /// lives as long as the test process, like `HTTPClient.shared`.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    let process = Process()
    let port: Int
    private let directory: TemporaryDirectory

    /// Starts `nlp serve --port 0 arguments` and waits until it listens and its models are loaded.
    init(_ arguments: [String] = []) async throws {
        directory = try TemporaryDirectory()
        let logPath = directory.path("serve.log")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let standardOutput = Pipe()
        process.executableURL = try NLPRunner.executable()
        process.arguments = ["serve", "--port", "0"] + arguments
        process.standardOutput = standardOutput
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try process.run()
        // A server that never prints its line is killed after a minute, which ends the read below.
        let process = process
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        var printed = ""
        while !printed.contains("\n") {
            let data = standardOutput.fileHandleForReading.availableData
            if data.isEmpty { break }
            printed += String(decoding: data, as: UTF8.self)
        }
        guard let match = printed.firstMatch(of: /listening on http:\/\/127\.0\.0\.1:(\d+)/), let port = Int(match.1) else {
            process.waitUntilExit()
            throw ServerError("nlp serve \(arguments) did not start: printed \(printed.debugDescription); log:\n\(Self.read(logPath))")
        }
        self.port = port
        for _ in 0..<600 {
            if let health = try? await get("/health"), health.status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServerError("nlp serve did not become ready within 60 s; log:\n\(log)")
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    var log: String { Self.read(directory.path("serve.log")) }

    func get(_ path: String) async throws -> Reply {
        try await send(.GET, path, body: nil)
    }

    func post(_ path: String, json: Any) async throws -> Reply {
        try await send(.POST, path, body: try JSONSerialization.data(withJSONObject: json))
    }

    func post(_ path: String, raw: Data) async throws -> Reply {
        try await send(.POST, path, body: raw)
    }

    func send(_ method: HTTPMethod, _ path: String, body: Data?) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(Array(body))
        }
        let response = try await Self.client.execute(request, timeout: .seconds(120))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return Reply(status: Int(response.status.code), headers: headers, body: Data(bytes.readableBytesView))
    }

    /// The value of the Prometheus series `series` (name and labels as printed), or nil.
    func metric(_ series: String) async throws -> Double? {
        let text = try await get("/metrics").text
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    /// Sends `signal` and waits up to `seconds` for the process to exit; its exit status, or nil
    /// if it is still running.
    func stop(signal: Int32 = SIGTERM, within seconds: Double = 60) -> Int32? {
        kill(process.processIdentifier, signal)
        let deadline = Date(timeIntervalSinceNow: seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    private static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}

struct ServerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
