import Foundation
import XCTest

/// `nlp serve` as a client sees it: the real executable on a free port, spoken to over HTTP.
/// Results are compared with what the CLI's `--json` prints for the same texts: texts, labels and
/// tags exactly, numbers (printed to 4 or 6 decimals) within one unit of the last decimal, since a
/// sentence's scores may round differently in batches of other sizes.
final class ServeCommandTests: XCTestCase {
    /// One server with the default limits and the shipped models, shared by the tests that do not
    /// need their own options (loading the models takes seconds).
    nonisolated(unsafe) static var shared: ServerProcess?

    override class func tearDown() {
        _ = shared?.stop()
        shared = nil
        super.tearDown()
    }

    func server() async throws -> ServerProcess {
        if let server = Self.shared { return server }
        let server = try await ServerProcess()
        Self.shared = server
        return server
    }

    /// A sentence slow to translate at a wide beam: the tests that need the worker busy send it.
    static let longSentence = "The old man who lived in the small house at the end of the long street walked slowly to the market every morning to buy fresh bread and vegetables for his family."

    func corpusLines(_ name: String) throws -> [String] {
        try String(contentsOf: NLPRunner.packageRoot.appendingPathComponent("corpora/\(name)"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
    }

    /// The JSON objects the CLI prints, one a line, for `texts` as standard input.
    func cliObjects(_ arguments: [String], _ texts: [String]) throws -> [[String: Any]] {
        let result = try NLPRunner.run(arguments, input: texts.joined(separator: "\n") + "\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        return try result.output.split(separator: "\n", omittingEmptySubsequences: true).map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    // MARK: - Endpoints against the CLI

    func testTranslateAnswersAsTheCLIDoes() async throws {
        let server = try await server()
        let texts = try corpusLines("everyday.en")
        let expected = try cliObjects(["translate", "--json"], texts)
        let reply = try await server.post("/v1/translate", json: ["texts": texts])
        XCTAssertEqual(reply.status, 200, reply.text)
        XCTAssertEqual(reply.headers["content-type"], "application/json")
        let translations = try XCTUnwrap(reply.json["translations"] as? [Any])
        assertSameJSON(translations, expected, tolerance: 1.01e-4)

        // The options reach the search: beam 3 with 2 translations each, as --beam 3 --n-best 2.
        let few = Array(texts.prefix(4))
        let nBest = try cliObjects(["translate", "--json", "--beam", "3", "--n-best", "2", "--max-length-ratio", "1.5"], few)
        let optioned = try await server.post("/v1/translate", json: ["texts": few, "beam": 3, "n_best": 2, "max_length_ratio": 1.5])
        XCTAssertEqual(optioned.status, 200, optioned.text)
        assertSameJSON(optioned.json["translations"] as Any, nBest, tolerance: 1.01e-4)
        XCTAssertEqual((nBest[0]["translations"] as? [Any])?.count, 2)
    }

    /// 32 one-text requests at once: the worker batches them, and each still gets what the CLI
    /// prints for its text.
    func testConcurrentRequestsAreBatchedAndAnsweredAsAlone() async throws {
        let server = try await server()
        let texts = Array((try corpusLines("everyday.en") + corpusLines("sample.en")).prefix(32))
        XCTAssertEqual(texts.count, 32)
        let expected = try cliObjects(["translate", "--json"], texts)
        let batchesBefore = try await server.metric("nlp_batch_sentences_count_count") ?? 0
        let singlesBefore = try await server.metric(#"nlp_batch_sentences_count_bucket{le="1.0"}"#) ?? 0
        let replies = try await withThrowingTaskGroup(of: (Int, ServerProcess.Reply).self) { group in
            for (index, text) in texts.enumerated() {
                group.addTask { (index, try await server.post("/v1/translate", json: ["text": text])) }
            }
            var replies = [ServerProcess.Reply?](repeating: nil, count: texts.count)
            for try await (index, reply) in group { replies[index] = reply }
            return replies.compactMap { $0 }
        }
        XCTAssertEqual(replies.count, texts.count)
        for (index, reply) in replies.enumerated() {
            XCTAssertEqual(reply.status, 200, reply.text)
            let translations = try XCTUnwrap(reply.json["translations"] as? [Any])
            XCTAssertEqual(translations.count, 1)
            assertSameJSON(translations.first as Any, expected[index], tolerance: 1.01e-4, path: "text \(index)")
        }
        // Fewer batches than requests: some were decoded together.
        let batches = try await server.metric("nlp_batch_sentences_count_count") ?? 0
        let singles = try await server.metric(#"nlp_batch_sentences_count_bucket{le="1.0"}"#) ?? 0
        XCTAssertLessThan(batches - batchesBefore, 32, "every request was decoded alone")
        XCTAssertLessThan(singles - singlesBefore, batches - batchesBefore, "no batch held more than one sentence")
    }

    func testTagAnswersAsTheCLIDoes() async throws {
        let server = try await server()
        let texts = [
            "Angela Merkel visited Paris. She met Emmanuel Macron at the Élysée Palace.",
            "",
            "The United Nations meets in New York on Monday.",
            "Barack Obama was born in Hawaii.",
        ]
        let cli = try cliObjects(["tag", "--output", "json"], texts)
        let reply = try await server.post("/v1/tag", json: ["texts": texts])
        XCTAssertEqual(reply.status, 200, reply.text)
        let sentences = try XCTUnwrap(reply.json["sentences"] as? [[Any]])
        XCTAssertEqual(sentences.count, texts.count)
        XCTAssertEqual(sentences[0].count, 2, "the first text has two sentences")
        XCTAssertEqual(sentences[1].count, 0, "a blank text has none")
        // The CLI counts offsets from the start of its input and names file and line; the server
        // counts from the start of each text.
        var lineStart = 0
        for (index, text) in texts.enumerated() {
            let expected = cli.filter { $0["line"] as? Int == index + 1 }.map { object in
                var object = shifted(object, by: -lineStart)
                object["file"] = nil
                object["line"] = nil
                return object
            }
            assertSameJSON(sentences[index], expected, tolerance: 1.01e-4, path: "text \(index)")
            lineStart += text.unicodeScalars.count + 1
        }
        let entities = sentences[0].compactMap { ($0 as? [String: Any])?["entities"] as? [[String: Any]] }.joined()
        XCTAssertTrue(entities.contains { $0["text"] as? String == "Angela Merkel" && $0["type"] as? String == "PER" }, "\(entities)")
    }

    func testClassifyAnswersAsTheCLIDoes() async throws {
        let server = try await server()
        let texts = ["This is not bad at all.", "   ", "A dull, lifeless film.", "The movie my friend has seen is not good"]
        let expected = try cliObjects(["classify", "--json"], texts)
        let reply = try await server.post("/v1/classify", json: ["texts": texts])
        XCTAssertEqual(reply.status, 200, reply.text)
        let classifications = try XCTUnwrap(reply.json["classifications"] as? [[String: Any]])
        assertSameJSON(classifications, expected, tolerance: 1.01e-6)
        XCTAssertTrue(classifications[1]["label"] is NSNull, "a blank text has no label")
        let single = try await server.post("/v1/classify", json: ["text": texts[0]])
        assertSameJSON(single.json["classifications"] as Any, [expected[0]], tolerance: 1.01e-6)
    }

    func testHealthMetricsAndOpenAPI() async throws {
        let server = try await server()
        let health = try await server.get("/health")
        XCTAssertEqual(health.status, 200)
        XCTAssertEqual(health.json["status"] as? String, "ready")

        _ = try await server.post("/v1/classify", json: ["text": "fine"])
        _ = try await server.post("/v1/classify", json: ["txt": "fine"])
        let metrics = try await server.get("/metrics")
        XCTAssertEqual(metrics.status, 200)
        XCTAssertTrue(metrics.headers["content-type"]?.hasPrefix("text/plain") ?? false)
        let ok = try await server.metric(#"nlp_requests_total{endpoint="/v1/classify",status="200"}"#)
        let bad = try await server.metric(#"nlp_requests_total{endpoint="/v1/classify",status="400"}"#)
        XCTAssertGreaterThanOrEqual(ok ?? 0, 1, metrics.text)
        XCTAssertGreaterThanOrEqual(bad ?? 0, 1, metrics.text)
        let errors = try await server.metric(#"nlp_request_errors_total{endpoint="/v1/classify"}"#)
        let sentences = try await server.metric(#"nlp_sentences_total{task="classify"}"#)
        let queued = try await server.metric("nlp_queue_sentences_count")
        XCTAssertGreaterThanOrEqual(errors ?? 0, 1, metrics.text)
        XCTAssertGreaterThanOrEqual(sentences ?? 0, 1, metrics.text)
        XCTAssertNotNil(queued, metrics.text)
        XCTAssertTrue(metrics.text.contains("nlp_request_duration_seconds_bucket"), metrics.text)

        let openAPI = try await server.get("/openapi.json")
        XCTAssertEqual(openAPI.status, 200)
        XCTAssertEqual(openAPI.json["openapi"] as? String, "3.0.3")
        let paths = try XCTUnwrap(openAPI.json["paths"] as? [String: Any])
        XCTAssertEqual(Set(paths.keys), ["/v1/translate", "/v1/tag", "/v1/classify", "/health", "/metrics", "/openapi.json"])
    }

    // MARK: - Errors

    /// Every kind of bad request gets its status and a JSON error naming the field, and the server
    /// goes on answering good ones.
    func testBadRequestsGetJSONErrorsNamingTheField() async throws {
        let server = try await server()
        let cases: [(path: String, body: String, status: Int, field: String?)] = [
            ("/v1/translate", #"{"text": "#, 400, nil),
            ("/v1/translate", "", 400, nil),
            ("/v1/translate", #"["a"]"#, 400, nil),
            ("/v1/translate", #"{}"#, 400, "text"),
            ("/v1/translate", #"{"text": 3}"#, 400, "text"),
            ("/v1/translate", #"{"texts": "a"}"#, 400, "texts"),
            ("/v1/translate", #"{"texts": ["a", 2]}"#, 400, "texts[1]"),
            ("/v1/translate", #"{"text": "a", "texts": ["b"]}"#, 400, "texts"),
            ("/v1/translate", #"{"text": "a", "colour": "red"}"#, 400, "colour"),
            ("/v1/translate", #"{"text": "a", "beam": 0}"#, 400, "beam"),
            ("/v1/translate", #"{"text": "a", "beam": 33}"#, 400, "beam"),
            ("/v1/translate", #"{"text": "a", "beam": "5"}"#, 400, "beam"),
            ("/v1/translate", #"{"text": "a", "beam": 2.5}"#, 400, "beam"),
            ("/v1/translate", #"{"text": "a", "n_best": 6}"#, 400, "n_best"),
            ("/v1/translate", #"{"text": "a", "max_length_ratio": -1}"#, 400, "max_length_ratio"),
            ("/v1/tag", #"{"text": "a", "beam": 5}"#, 400, "beam"),
            ("/v1/classify", #"{"texts": null}"#, 400, "texts"),
            ("/v1/classify", "{\"texts\": [" + Array(repeating: "\"a\"", count: 257).joined(separator: ",") + "]}", 413, "texts"),
            ("/v1/classify", "{\"text\": \"" + String(repeating: "é", count: 2001) + "\"}", 413, "text"),
            ("/v1/classify", "{\"texts\": [\"a\", \"" + String(repeating: "b", count: 2001) + "\"]}", 413, "texts[1]"),
            ("/v1/classify", "{\"text\": \"" + String(repeating: "a", count: 1 << 20) + "\"}", 413, nil),
        ]
        for (path, body, status, field) in cases {
            let reply = try await server.post(path, raw: Data(body.utf8))
            let shown = "\(path) \(body.prefix(60))"
            XCTAssertEqual(reply.status, status, "\(shown): \(reply.text)")
            XCTAssertEqual(reply.headers["content-type"], "application/json", shown)
            XCTAssertEqual(reply.errorField, field, "\(shown): \(reply.text)")
            XCTAssertFalse(reply.errorMessage.isEmpty, "\(shown): \(reply.text)")
        }
        let unknown = try await server.get("/v1/transliterate")
        XCTAssertEqual(unknown.status, 404)
        XCTAssertTrue(unknown.errorMessage.contains("/openapi.json"), unknown.text)
        let wrongMethod = try await server.get("/v1/translate")
        XCTAssertTrue([404, 405].contains(wrongMethod.status), wrongMethod.text)
        XCTAssertFalse(wrongMethod.errorMessage.isEmpty, wrongMethod.text)

        let good = try await server.post("/v1/translate", json: ["text": "Good morning."])
        XCTAssertEqual(good.status, 200, good.text)
    }

    /// A full queue refuses with 503 and Retry-After; the requests it took are answered.
    func testFullQueueRefusesWithRetryAfter() async throws {
        let server = try await ServerProcess(["--max-batch", "1", "--queue-limit", "2", "--max-texts", "2"])
        defer { _ = server.stop() }
        let long = Self.longSentence
        let replies = try await withThrowingTaskGroup(of: ServerProcess.Reply.self) { group in
            for _ in 0..<12 {
                group.addTask { try await server.post("/v1/translate", json: ["texts": [long, long], "beam": 32, "max_length_ratio": 3]) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let refused = replies.filter { $0.status == 503 }
        XCTAssertFalse(refused.isEmpty, "no request was refused: \(replies.map(\.status))")
        // At least the first is taken; how many more fit depends on how soon the worker empties the
        // queue (on a loaded machine, 11 requests can arrive before it takes the first one's texts).
        XCTAssertGreaterThanOrEqual(replies.filter { $0.status == 200 }.count, 1, "\(replies.map(\.status))")
        XCTAssertEqual(replies.filter { $0.status != 200 && $0.status != 503 }.count, 0, "\(replies.map(\.status))")
        for reply in refused {
            XCTAssertEqual(reply.headers["retry-after"], "1")
            XCTAssertTrue(reply.errorMessage.contains("queue is full"), reply.text)
        }
        // Once the queue empties, requests are taken again.
        let after = try await server.post("/v1/translate", json: ["text": "Thank you."])
        XCTAssertEqual(after.status, 200, after.text)
    }

    /// A request not answered within --timeout gets 504; the server goes on.
    func testSlowRequestTimesOut() async throws {
        let server = try await ServerProcess(["--timeout", "0.05"])
        defer { _ = server.stop() }
        let long = Array(repeating: Self.longSentence, count: 32)
        let reply = try await server.post("/v1/translate", json: ["texts": long, "beam": 32, "max_length_ratio": 3])
        XCTAssertEqual(reply.status, 504, reply.text)
        XCTAssertTrue(reply.errorMessage.contains("timeout"), reply.text)
        let health = try await server.get("/health")
        XCTAssertEqual(health.status, 200)
        // The worker finishes the batch it started (a model call is not interrupted); then a
        // quick request is answered within the timeout again.
        var decoded = 0.0
        for _ in 0..<1200 where decoded < 32 {
            try await Task.sleep(for: .milliseconds(50))
            decoded = try await server.metric(#"nlp_sentences_total{task="translate"}"#) ?? 0
        }
        XCTAssertEqual(decoded, 32)
        let classified = try await server.post("/v1/classify", json: ["text": "Fine."])
        XCTAssertEqual(classified.status, 200, classified.text)
    }

    /// SIGTERM with requests queued: every one is answered, then the server exits 0.
    func testGracefulShutdownAnswersQueuedRequests() async throws {
        let server = try await ServerProcess(["--max-batch", "1"])
        let texts = Array(repeating: Self.longSentence, count: 4)
        let expected = try cliObjects(["translate", "--json"], texts)
        let requests = Task {
            try await withThrowingTaskGroup(of: ServerProcess.Reply.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await server.post("/v1/translate", json: ["texts": texts]) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        // One request decodes (one sentence at a time), the other seven (28 sentences) wait.
        var queued = 0.0
        for _ in 0..<2000 where queued < 28 {
            queued = try await server.metric("nlp_queue_sentences_count") ?? 0
            try await Task.sleep(for: .milliseconds(5))
        }
        XCTAssertEqual(queued, 28, "the requests did not all queue; log:\n\(server.log)")
        let status = server.stop(signal: SIGTERM, within: 60)
        XCTAssertEqual(status, 0, "log:\n\(server.log)")
        let replies = try await requests.value
        XCTAssertEqual(replies.count, 8)
        for reply in replies {
            XCTAssertEqual(reply.status, 200, reply.text)
            assertSameJSON(reply.json["translations"] as Any, expected, tolerance: 1.01e-4)
        }
    }

    /// Options and model files are checked before anything listens; a taken port is named.
    func testBadOptionsAndTakenPortsAreRefused() async throws {
        let cases: [([String], String)] = [
            (["--port", "70000"], "--port"),
            (["--queue-limit", "8"], "--queue-limit"),
            (["--max-batch", "0"], "--max-batch"),
            (["--timeout", "0"], "--timeout"),
            (["--log-level", "loud"], "--log-level"),
            (["--translate-model", "/nonexistent/model.safetensors"], "/nonexistent/model.safetensors"),
        ]
        for (arguments, named) in cases {
            let result = try NLPRunner.run(["serve", "--port", "0"] + arguments)
            XCTAssertNotEqual(result.status, 0, "\(arguments)")
            XCTAssertTrue(result.stderr.contains(named), "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.output, "", "\(arguments): nothing listened")
        }
        // A damaged model is found when the worker loads it, after the server listens: the server
        // stops with the loader's message and a non-zero exit.
        let directory = try TemporaryDirectory()
        let damaged = try directory.write("damaged.safetensors", bytes: Array(repeating: 0xFF, count: 1000))
        let result = try NLPRunner.run(["serve", "--port", "0", "--tagger-model", damaged])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("\(damaged): is not a valid model file"), result.stderr)

        let server = try await server()
        let taken = try NLPRunner.run(["serve", "--port", String(server.port)])
        XCTAssertNotEqual(taken.status, 0)
        XCTAssertTrue(taken.stderr.contains("127.0.0.1:\(server.port)") && taken.stderr.contains("in use"), taken.stderr)
    }

    // MARK: - Helpers

    /// Asserts two JSON values equal: same keys, lengths, strings and nulls; numbers within `tolerance`.
    func assertSameJSON(_ actual: Any, _ expected: Any, tolerance: Double, path: String = "$",
                        file: StaticString = #filePath, line: UInt = #line) {
        switch (actual, expected) {
        case let (actual as [String: Any], expected as [String: Any]):
            XCTAssertEqual(Set(actual.keys), Set(expected.keys), path, file: file, line: line)
            for (key, value) in expected where actual[key] != nil {
                assertSameJSON(actual[key]!, value, tolerance: tolerance, path: "\(path).\(key)", file: file, line: line)
            }
        case let (actual as [Any], expected as [Any]):
            XCTAssertEqual(actual.count, expected.count, "\(path): lengths", file: file, line: line)
            for (index, (a, e)) in zip(actual, expected).enumerated() {
                assertSameJSON(a, e, tolerance: tolerance, path: "\(path)[\(index)]", file: file, line: line)
            }
        case let (actual as String, expected as String):
            XCTAssertEqual(actual, expected, path, file: file, line: line)
        case (is NSNull, is NSNull):
            break
        case let (actual as NSNumber, expected as NSNumber):
            XCTAssertEqual(actual.doubleValue, expected.doubleValue, accuracy: tolerance, path, file: file, line: line)
        default:
            XCTFail("\(path): \(actual) is not \(expected)", file: file, line: line)
        }
    }

    /// `object` (a tagged sentence) with every start and end moved by `delta`.
    func shifted(_ object: [String: Any], by delta: Int) -> [String: Any] {
        var object = object
        for key in ["start", "end"] { if let value = object[key] as? Int { object[key] = value + delta } }
        for key in ["entities", "tokens"] {
            if let list = object[key] as? [[String: Any]] { object[key] = list.map { shifted($0, by: delta) } }
        }
        return object
    }
}
