import Tensor

/// What `nlp serve` runs: one model file per task, and how the worker thread runs them.
public struct ServedModels: Sendable, Equatable {
    public var translator: String
    public var tagger: String
    public var classifier: String
    /// Threads of the matrix products (OpenMP's setting is per thread, so the worker sets it).
    public var threads = 2
    public var precision = InferencePrecision.f32

    public init(translator: String, tagger: String, classifier: String) {
        self.translator = translator
        self.tagger = tagger
        self.classifier = classifier
    }
}
