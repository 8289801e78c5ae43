import Hummingbird

/// The request context of `nlp serve`: Hummingbird's, the request's arrival (its head read; the
/// timeout and the logged milliseconds count from it), and the count of sentences the handler
/// decoded, which the request log reads after the handler returns.
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let arrival = ContinuousClock.now
    let sentences = SentenceCount()

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}

/// Set by one request's handler, read by its log line after: never touched by two threads at once.
final class SentenceCount: @unchecked Sendable {
    var value = 0
}
