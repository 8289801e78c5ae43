/// What `nlp serve` accepts and how it batches: every limit a client can run into.
public struct ServerLimits: Sendable, Equatable {
    /// Sentences decoded together at most (one request's texts are never split across batches;
    /// a request with more is decoded alone, in batches of this size).
    public var batchSentences = 32
    /// How long the worker waits for more sentences once one request is queued, when fewer than
    /// `batchSentences` are. Zero: it takes whatever queued while it was busy (no wait when idle).
    public var batchWait: Duration = .zero
    /// Sentences queued at most (at least `batchSentences` and `textsPerRequest`); a request that
    /// would go over is refused (503, Retry-After).
    public var queueSentences = 1024
    /// Bytes of a request body at most (413).
    public var bodyBytes = 1 << 20
    /// Texts of one request at most (413).
    public var textsPerRequest = 256
    /// Unicode characters of one text at most (413).
    public var textCharacters = 2000
    /// Beam size at most.
    public var maximumBeam = 32
    /// From arrival to answer; a request still queued or decoding then gets 504.
    public var requestTimeout: Duration = .seconds(30)

    public init() {}

    /// The first problem with the limits, phrased for a command-line user, or nil.
    public var problem: String? {
        if batchSentences < 1 { return "--max-batch must be at least 1" }
        if batchWait < .zero || batchWait > .seconds(10) { return "--batch-wait must be between 0 and 10000 ms" }
        if textsPerRequest < 1 { return "--max-texts must be at least 1" }
        // A request the queue could never hold would be refused with 503 however often it retried.
        if queueSentences < max(batchSentences, textsPerRequest) {
            return "--queue-limit must be at least --max-batch (\(batchSentences)) and --max-texts (\(textsPerRequest))"
        }
        if bodyBytes < 64 { return "--max-body-bytes must be at least 64" }
        if textCharacters < 1 { return "--max-text-characters must be at least 1" }
        if requestTimeout <= .zero { return "--timeout must be more than 0" }
        return nil
    }
}
