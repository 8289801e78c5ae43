/// A dev-set score: the metric early stopping watches (higher is better) and a line for the log.
public struct Evaluation: Codable, Equatable, Sendable {
    /// e.g. "accuracy", "f1", "bleu".
    public var metricName: String
    public var metric: Double
    /// e.g. "accuracy 84.20% (734/872)".
    public var summary: String

    public init(metricName: String, metric: Double, summary: String) {
        self.metricName = metricName
        self.metric = metric
        self.summary = summary
    }
}
