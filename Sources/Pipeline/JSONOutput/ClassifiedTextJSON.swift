/// One text's classification as `nlp classify --json` writes it and `nlp serve` returns it: label,
/// probability, probabilities of every label (rounded to 6 decimals) and the text; label and
/// probability null (and no probabilities) for a blank text; with an explanation, "explain":
/// [{"token", "contribution"}].
public struct ClassifiedTextJSON: Encodable, Sendable {
    public struct Contribution: Encodable, Sendable {
        public var token: String
        public var contribution: Double
    }
    public var label: String?
    public var probability: Double?
    public var probabilities: [String: Double]
    public var text: String
    public var explain: [Contribution]?

    public init(_ result: Classification?, text: String, explanation: TokenContributions? = nil) {
        let rounded = { (x: Double) in (x * 1e6).rounded() / 1e6 }
        label = result?.label
        probability = result.map { rounded($0.probability) }
        probabilities = result?.probabilities.mapValues(rounded) ?? [:]
        self.text = text
        explain = explanation.map { zip($0.tokens, $0.contributions).map { Contribution(token: $0, contribution: rounded($1)) } }
    }

    public func encode(to encoder: any Encoder) throws {   // nil as null, not left out
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(label, forKey: .label)
        try container.encode(probability, forKey: .probability)
        try container.encode(probabilities, forKey: .probabilities)
        try container.encode(text, forKey: .text)
        try container.encodeIfPresent(explain, forKey: .explain)
    }

    enum CodingKeys: String, CodingKey { case label, probability, probabilities, text, explain }
}
