import Foundation
import Pipeline

/// What a request asks of the models: the task, with the options that must be equal for
/// requests to share a batch.
enum InferenceTask: Hashable, Sendable {
    case translate(beam: Int, nBest: Int, maximumLengthRatio: Double)
    case tag
    case classify
}

/// The models' answer for a job's texts, one element per text, in order.
enum InferenceOutput: Sendable {
    case translations([[Translation]])
    case tagged([[TaggedSentence]])
    case classified([Classification])
}

/// One request's texts on their way through `InferenceWorker`: queued, decoded in some batch, and
/// finished exactly once: with the output, or with an error (timed out, cancelled, shutting down),
/// whichever comes first. A job finished before the worker reaches it is left out of the batch.
final class InferenceJob: @unchecked Sendable {
    let task: InferenceTask
    let texts: [String]
    private let lock = NSLock()
    private var continuation: CheckedContinuation<InferenceOutput, any Error>?
    private var outcome: Result<InferenceOutput, any Error>?

    init(task: InferenceTask, texts: [String]) {
        self.task = task
        self.texts = texts
    }

    var isFinished: Bool { lock.withLock { outcome != nil } }

    /// Sets the outcome unless there is one already, and wakes the waiting request.
    func finish(_ result: Result<InferenceOutput, any Error>) {
        let waiting: CheckedContinuation<InferenceOutput, any Error>? = lock.withLock {
            guard outcome == nil else { return nil }
            outcome = result
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(with: result)
    }

    /// Waits for the outcome; a cancelled request finishes the job with `CancellationError`.
    func value() async throws -> InferenceOutput {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let done: Result<InferenceOutput, any Error>? = lock.withLock {
                    if outcome == nil { self.continuation = continuation }
                    return outcome
                }
                if let done { continuation.resume(with: done) }
            }
        } onCancel: {
            finish(.failure(CancellationError()))
        }
    }
}
