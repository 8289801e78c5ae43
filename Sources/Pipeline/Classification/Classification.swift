/// What a classifier says about one text: the most probable label, its probability, and the
/// probability of every label.
public struct Classification: Equatable, Sendable {
    public var label: String
    public var probability: Double
    public var probabilities: [String: Double]

    public init(label: String, probability: Double, probabilities: [String: Double]) {
        self.label = label
        self.probability = probability
        self.probabilities = probabilities
    }
}
