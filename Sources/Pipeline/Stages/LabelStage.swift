/// Turns a model's class probabilities into a label: the most probable class, by name.
///
/// `labels[k]` names class k as written in the training data; `displayNames` optionally renames
/// them for output (SST's `0`/`1` as `negative`/`positive`).
public struct LabelStage: PipelineStage {
    public var labels: [String]
    public var displayNames: [String: String]

    public init(labels: [String], displayNames: [String: String] = [:]) {
        self.labels = labels
        self.displayNames = displayNames
    }

    /// The name class `k` is shown under.
    public func name(of k: Int) -> String { displayNames[labels[k]] ?? labels[k] }

    /// The class index of a label as written in data, or as displayed.
    public func index(of label: String) -> Int? {
        labels.firstIndex(of: label) ?? labels.indices.first { name(of: $0) == label }
    }

    /// The index of the largest probability, the first on ties.
    public static func mostProbable(_ probabilities: [Double]) -> Int {
        var best = 0
        for k in probabilities.indices where probabilities[k] > probabilities[best] { best = k }
        return best
    }

    /// probabilities (C) → the most probable class's name and its probability (first on ties).
    public func callAsFunction(_ probabilities: [Double]) -> Classification {
        precondition(probabilities.count == labels.count, "\(probabilities.count) scores for \(labels.count) labels")
        let best = Self.mostProbable(probabilities)
        return Classification(label: name(of: best), probability: probabilities[best],
                              probabilities: Dictionary(uniqueKeysWithValues: labels.indices.map { (name(of: $0), probabilities[$0]) }))
    }
}
