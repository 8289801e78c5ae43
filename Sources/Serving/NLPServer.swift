import Foundation
import Hummingbird
import Logging
import Pipeline

/// `nlp serve`: the translator, tagger and classifier behind HTTP/JSON.
///
///     POST /v1/translate  {"text" | "texts", "beam", "n_best", "max_length_ratio"} → {"translations": [...]}
///     POST /v1/tag        {"text" | "texts"} → {"sentences": [[...], ...]}
///     POST /v1/classify   {"text" | "texts"} → {"classifications": [...]}
///     GET  /health        200 once the models are loaded, else 503
///     GET  /metrics       Prometheus text format (`ServerMetrics`)
///     GET  /openapi.json  the API (`OpenAPIDocument`)
///
/// Each result is the object the CLI's `--json` writes for that text, in input order. Handlers
/// run on SwiftNIO's threads and only parse, queue and encode; the networks run on the
/// `InferenceWorker`'s thread, which batches the texts of concurrent requests.
public struct NLPServer: Sendable {
    public let worker: InferenceWorker
    public let metrics: ServerMetrics
    let limits: ServerLimits
    let logger: Logger

    public init(models: ServedModels, limits: ServerLimits, logger: Logger) {
        self.limits = limits
        self.logger = logger
        metrics = ServerMetrics()
        worker = InferenceWorker(models: models, limits: limits, metrics: metrics, logger: logger)
    }

    /// The application listening on `host`:`port` (0: a free port), with the worker as a service
    /// that stops after the server: on graceful shutdown the server stops accepting, the requests
    /// in flight are answered, then the worker exits. `onListening` gets the port once bound.
    public func application(host: String, port: Int, onListening: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        let router = Router(context: ServerContext.self)
        router.add(middleware: RequestLogMiddleware(metrics: metrics, logger: logger))
        router.post("v1/translate") { request, context in try await self.translate(request, context: context) }
        router.post("v1/tag") { request, context in try await self.tag(request, context: context) }
        router.post("v1/classify") { request, context in try await self.classify(request, context: context) }
        router.get("health") { _, _ in self.health() }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(string: self.metrics.text())))
        }
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        var application = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "nlp"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
        application.addServices(worker)
        return application
    }

    func translate(_ request: Request, context: ServerContext) async throws(APIError) -> Response {
        let body = try await TextsRequest.read(request, options: ["beam", "n_best", "max_length_ratio"], limits: limits)
        let beam = try body.integer("beam", default: 5, in: 1...limits.maximumBeam)
        let nBest = try body.integer("n_best", default: 1, in: 1...beam)
        let ratio = try body.positiveNumber("max_length_ratio", default: 2.0, maximum: 1000)
        guard case .translations(let results) = try await run(.translate(beam: beam, nBest: nBest, maximumLengthRatio: ratio),
                                                               body.texts, context: context) else { fatalError("translate answered another task") }
        struct Body: Encodable { var translations: [TranslatedSentenceJSON] }
        return try json(Body(translations: zip(body.texts, results).map { TranslatedSentenceJSON(source: $0, translations: $1) }))
    }

    func tag(_ request: Request, context: ServerContext) async throws(APIError) -> Response {
        let body = try await TextsRequest.read(request, options: [], limits: limits)
        guard case .tagged(let results) = try await run(.tag, body.texts, context: context) else { fatalError("tag answered another task") }
        struct Body: Encodable { var sentences: [[TaggedSentenceJSON]] }
        return try json(Body(sentences: zip(body.texts, results).map { TaggedSentenceJSON.sentences($1, in: $0) }))
    }

    func classify(_ request: Request, context: ServerContext) async throws(APIError) -> Response {
        let body = try await TextsRequest.read(request, options: [], limits: limits)
        // A blank text has nothing to classify: label and probability null, as `nlp classify`.
        let blank = body.texts.map { $0.allSatisfy(\.isWhitespace) }
        let texts = body.texts.indices.filter { !blank[$0] }.map { body.texts[$0] }
        guard case .classified(let results) = try await run(.classify, texts, context: context) else { fatalError("classify answered another task") }
        var next = results.makeIterator()
        struct Body: Encodable { var classifications: [ClassifiedTextJSON] }
        return try json(Body(classifications: zip(body.texts, blank).map { ClassifiedTextJSON($1 ? nil : next.next(), text: $0) }))
    }

    func health() -> Response {
        struct Body: Encodable { var status: String }
        let state = worker.state
        var response = (try? json(Body(status: state == .ready ? "ready" : state == .loading ? "loading" : "stopping")))
            ?? Response(status: .ok)
        if state != .ready {
            response.status = .serviceUnavailable
            response.headers[.retryAfter] = "1"
        }
        return response
    }

    /// Queues `texts` for `task` and waits for the worker's answer until the request timeout,
    /// counted from the request's arrival.
    func run(_ task: InferenceTask, _ texts: [String], context: ServerContext) async throws(APIError) -> InferenceOutput {
        context.sentences.value = texts.count
        if texts.isEmpty {
            switch task {
            case .translate: return .translations([])
            case .tag: return .tagged([])
            case .classify: return .classified([])
            }
        }
        let job = InferenceJob(task: task, texts: texts)
        try worker.submit(job)
        let deadline = context.arrival + limits.requestTimeout
        let timer = _Concurrency.Task {
            try await _Concurrency.Task.sleep(until: deadline, clock: .continuous)
            job.finish(.failure(APIError.timedOut))
        }
        defer { timer.cancel() }
        do {
            return try await job.value()
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(status: .internalServerError, message: "the request was cancelled")
        }
    }

    func json(_ value: some Encodable) throws(APIError) -> Response {
        do {
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try CanonicalJSON.data(value))))
        } catch {
            throw APIError(status: .internalServerError, message: "the answer could not be encoded: \(error)")
        }
    }
}
