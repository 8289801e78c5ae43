/// One step of a task's pipeline: a small typed value holding its configuration, turning an input
/// into an output. Stages are `Codable`, so the configuration of a whole pipeline is saved inside
/// the model file and a model file alone reproduces its preprocessing.
///
///     text ─normalize→ text ─tokenize→ [token] ─encode→ [id] ─model→ scores ─label→ (label, p)
///
/// `then(_:)` composes two stages into one whose configuration is both of theirs.
public protocol PipelineStage: Codable, Equatable, Sendable {
    associatedtype Input
    associatedtype Output
    func callAsFunction(_ input: Input) -> Output
}

extension PipelineStage {
    /// This stage followed by `next`.
    public func then<Next: PipelineStage>(_ next: Next) -> ComposedStage<Self, Next> where Next.Input == Output {
        ComposedStage(first: self, second: next)
    }
}

/// Two stages run one after the other.
public struct ComposedStage<First: PipelineStage, Second: PipelineStage>: PipelineStage
where First.Output == Second.Input {
    public var first: First
    public var second: Second

    public init(first: First, second: Second) {
        self.first = first
        self.second = second
    }

    public func callAsFunction(_ input: First.Input) -> Second.Output { second(first(input)) }
}
