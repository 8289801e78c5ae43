import ArgumentParser
import Foundation
import Logging
import Serving

/// `nlp serve`: the three models behind an HTTP/JSON server (see `NLPServer`).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve translation, tagging and classification over HTTP/JSON.",
        discussion: """
            Loads the models once and answers POST /v1/translate, /v1/tag and /v1/classify \
            ({"text": "..."} or {"texts": [...]}; results as the commands' --json output), \
            GET /health, /metrics (Prometheus) and /openapi.json. The sentences of concurrent \
            requests are decoded together in batches of up to --max-batch; a text's result does not \
            depend on its batch. Prints 'listening on http://HOST:PORT' once it accepts \
            connections, logs one line per request to standard error, and on SIGTERM or SIGINT \
            stops accepting, answers the requests it has, and exits 0.

            Without --*-model options the shipped models are used.

            Example:
              $ nlp serve --port 8080 &
              $ curl -s localhost:8080/v1/translate -d '{"text": "Where is the train station?"}'
            """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port).")
    var port = 8080

    @Option(help: ArgumentHelp("Translation model (default: models/translate-en-de.safetensors).", valueName: "model"))
    var translateModel: String?

    @Option(help: ArgumentHelp("Tagger model (default: models/ner-en.safetensors).", valueName: "model"))
    var taggerModel: String?

    @Option(help: ArgumentHelp("Sentiment model (default: models/sentiment-en.safetensors).", valueName: "model"))
    var sentimentModel: String?

    @Option(help: "Sentences decoded together at most.")
    var maxBatch = 32

    @Option(help: ArgumentHelp("Milliseconds to wait for more sentences when a batch is not full (0: take what queued while busy).", valueName: "ms"))
    var batchWait = 0

    @Option(help: "Sentences queued at most (at least --max-batch and --max-texts); beyond, requests get 503 with Retry-After.")
    var queueLimit = 1024

    @Option(help: "Request body bytes at most (413 beyond).")
    var maxBodyBytes = 1 << 20

    @Option(help: "Texts in one request at most (413 beyond).")
    var maxTexts = 256

    @Option(help: "Characters of one text at most (413 beyond).")
    var maxTextCharacters = 2000

    @Option(help: ArgumentHelp("Seconds from a request's arrival to its answer at most (504 beyond).", valueName: "seconds"))
    var timeout = 30.0

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    @OptionGroup var runtime: RuntimeArguments
    @OptionGroup var precision: PrecisionArgument

    var limits: ServerLimits {
        var limits = ServerLimits()
        limits.batchSentences = maxBatch
        limits.batchWait = .milliseconds(batchWait)
        limits.queueSentences = queueLimit
        limits.bodyBytes = maxBodyBytes
        limits.textsPerRequest = maxTexts
        limits.textCharacters = maxTextCharacters
        limits.requestTimeout = .seconds(timeout)
        return limits
    }

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
        if !(timeout > 0 && timeout <= 86400) { throw ValidationError("--timeout must be more than 0 and at most 86400 seconds") }
        if let problem = limits.problem { throw ValidationError(problem) }
        if Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() throws {
        var models = ServedModels(
            translator: try translateModel ?? DefaultModel.path(TranslateCommand.defaultModelName),
            tagger: try taggerModel ?? DefaultModel.path(TagCommand.defaultModelName),
            classifier: try sentimentModel ?? DefaultModel.path(ClassifyCommand.defaultModelName))
        for path in [models.translator, models.tagger, models.classifier] where !FileManager.default.isReadableFile(atPath: path) {
            throw ValidationError("\(path): no such readable model file")
        }
        // The worker thread configures the numeric runtime (OpenMP's thread count is per thread).
        models.threads = runtime.threads
        models.precision = precision.precision
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let server = NLPServer(models: models, limits: limits, logger: Logger(label: "nlp.serve"))
        let host = host
        let application = server.application(host: host, port: port) { port in
            // The line scripts wait for: the server accepts connections from now on.
            let line = "listening on http://\(host):\(port)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        let finished = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: (any Error)?
        Task {
            do { try await application.runService() } catch { failure = error }
            finished.signal()
        }
        finished.wait()
        if let failure { throw ServeError(host: host, port: port, underlying: failure) }
    }
}

/// Why the server stopped: it could not listen, or a model did not load.
struct ServeError: Error, CustomStringConvertible {
    var host: String
    var port: Int
    var underlying: any Error

    var description: String {
        let text = String(describing: underlying)
        if text.contains("Address already in use") { return "cannot listen on \(host):\(port): the address is in use" }
        if text.contains("bind") || text.contains("resolve") { return "cannot listen on \(host):\(port): \(text)" }
        return text
    }
}
