import Foundation
import Logging
import Pipeline
import ServiceLifecycle
import Tensor

/// The one thread that runs the networks. Requests queue jobs (`submit`); the thread takes the
/// oldest job and every later one of the same task and options, up to `limits.batchSentences`
/// sentences, decodes their texts as one call of the model, and hands each job its part.
///
/// Batching without waiting by default: while the thread decodes one batch, the requests that
/// arrive queue up and form the next, so batches grow with the load and an idle server answers a
/// lone request at once (`limits.batchWait` adds a wait for company). A text's output does not
/// depend on its batch: the models mask padding, so each sentence is decoded as it would be alone.
///
/// The models are loaded on this thread when the service starts; until then, and if loading
/// fails (the error ends the service, and with it the server), requests are refused with 503.
/// On graceful shutdown the thread finishes every job already queued, then exits.
public final class InferenceWorker: Service, @unchecked Sendable {
    /// loading → ready → stopping (graceful shutdown: answers what is queued, takes nothing new)
    /// → stopped; a stop during loading goes to stopping, a failed load to stopped.
    public enum State: Equatable, Sendable { case loading, ready, stopping, stopped }

    let files: ServedModels
    let limits: ServerLimits
    let metrics: ServerMetrics
    let logger: Logger

    private let condition = NSCondition()
    // Guarded by `condition`:
    private var queue: [InferenceJob] = []
    private var queuedSentences = 0
    private var _state = State.loading
    // Touched by the worker thread only:
    private var translator: TranslationModel?
    private var tagger: TaggerModel?
    private var classifier: TextClassifier?

    public init(models: ServedModels, limits: ServerLimits, metrics: ServerMetrics, logger: Logger) {
        self.files = models
        self.limits = limits
        self.metrics = metrics
        self.logger = logger
    }

    public var state: State { condition.withLock { _state } }

    /// Queues a job; refuses it (503) while loading, when stopping, or when its texts would
    /// overfill the queue.
    func submit(_ job: InferenceJob) throws(APIError) {
        condition.lock()
        defer { condition.unlock() }
        switch _state {
        case .loading: throw APIError.unavailable("the models are still loading")
        case .stopping, .stopped: throw APIError.unavailable("the server is shutting down")
        case .ready: break
        }
        if queuedSentences + job.texts.count > limits.queueSentences {
            throw APIError.unavailable("the queue is full (\(queuedSentences) of \(limits.queueSentences) sentences waiting)")
        }
        queue.append(job)
        queuedSentences += job.texts.count
        metrics.queueSentences.set(Double(queuedSentences))
        condition.signal()
    }

    /// Runs the thread until graceful shutdown (or cancellation) and an empty queue; throws what
    /// loading the models threw.
    public func run() async throws {
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
                    let thread = Thread { done.resume(with: self.work()) }
                    thread.name = "nlp-inference"
                    thread.stackSize = 16 << 20
                    thread.start()
                }
            } onGracefulShutdown: {
                self.stop()
            }
        } onCancel: {
            self.stop()
        }
    }

    /// Lets the thread exit once the queue is empty; refuses new jobs.
    func stop() {
        condition.withLock {
            if _state != .stopped { _state = .stopping }
            condition.broadcast()
        }
    }

    private func work() -> Result<Void, any Error> {
        NumericRuntime.configure(threads: files.threads, precision: files.precision)
        do {
            let started = ContinuousClock.now
            translator = try TranslationModel(contentsOf: files.translator)
            tagger = try TaggerModel.load([files.tagger])
            classifier = try TextClassifier.load([files.classifier])
            logger.info("models loaded in \(started.duration(to: .now).formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 2))))")
        } catch {
            condition.withLock { _state = .stopped }
            return .failure(error)
        }
        condition.withLock { if _state == .loading { _state = .ready } }
        while let batch = nextBatch() {
            decode(batch)
        }
        condition.withLock { _state = .stopped }
        return .success(())
    }

    /// Waits for jobs and takes the next batch: the oldest job and the later ones it can share a
    /// batch with. nil once stopping with nothing queued.
    private func nextBatch() -> [InferenceJob]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty {
            if _state == .stopping { return nil }
            condition.wait()
        }
        if limits.batchWait > .zero {
            let deadline = Date(timeIntervalSinceNow: limits.batchWait.inSeconds)
            while queuedSentences < limits.batchSentences && _state == .ready && condition.wait(until: deadline) {}
        }
        let task = queue[0].task
        var taken = [queue.removeFirst()]
        var sentences = taken[0].texts.count
        var index = 0
        while index < queue.count && sentences < limits.batchSentences {
            if queue[index].task == task && sentences + queue[index].texts.count <= limits.batchSentences {
                sentences += queue[index].texts.count
                taken.append(queue.remove(at: index))
            } else {
                index += 1
            }
        }
        queuedSentences -= sentences
        metrics.queueSentences.set(Double(queuedSentences))
        return taken
    }

    /// Decodes the texts of the jobs not yet finished (timed out or cancelled while queued) as one
    /// call of the model and finishes each job with its share.
    private func decode(_ batch: [InferenceJob]) {
        let jobs = batch.filter { !$0.isFinished }
        guard let task = jobs.first?.task else { return }
        let texts = jobs.flatMap(\.texts)
        metrics.batchSentences.record(Double(texts.count))
        let output: InferenceOutput
        switch task {
        case let .translate(beam, nBest, ratio):
            var options = TranslationSearchOptions()
            options.beam = beam
            options.nBest = nBest
            options.maximumLengthRatio = ratio
            options.batchSize = limits.batchSentences
            output = .translations(translator!.translate(texts, options: options))
            metrics.recordSentences(task: "translate", count: texts.count)
        case .tag:
            output = .tagged(tagger!.tag(texts))
            metrics.recordSentences(task: "tag", count: texts.count)
        case .classify:
            output = .classified(classifier!.classify(texts))
            metrics.recordSentences(task: "classify", count: texts.count)
        }
        var start = 0
        for job in jobs {
            let range = start..<(start + job.texts.count)
            start = range.upperBound
            switch output {
            case .translations(let all): job.finish(.success(.translations(Array(all[range]))))
            case .tagged(let all): job.finish(.success(.tagged(Array(all[range]))))
            case .classified(let all): job.finish(.success(.classified(Array(all[range]))))
            }
        }
    }
}
