import Tokenize

/// Maps tokens to vocabulary ids (unknown tokens to `<unk>`). The vocabulary travels inside the
/// model file as its token list, ids in order.
public struct EncodeStage: PipelineStage {
    public let vocabulary: Vocabulary

    public init(vocabulary: Vocabulary) { self.vocabulary = vocabulary }

    public func callAsFunction(_ tokens: [String]) -> [Int] { vocabulary.encode(tokens) }

    private enum CodingKeys: String, CodingKey { case tokens }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let tokens = try container.decode([String].self, forKey: .tokens)
        let specials = Vocabulary.specialTokens
        guard tokens.count >= specials.count, Array(tokens.prefix(specials.count)) == specials else {
            throw DecodingError.dataCorruptedError(
                forKey: .tokens, in: container, debugDescription: "the vocabulary must start with \(specials)")
        }
        let ordinary = Array(tokens.dropFirst(specials.count))
        guard Set(ordinary).count == ordinary.count, !ordinary.contains(where: {
            $0.isEmpty || specials.contains($0) || $0.utf8.contains(9) || $0.utf8.contains(10)
        }) else {
            throw DecodingError.dataCorruptedError(
                forKey: .tokens, in: container, debugDescription: "the vocabulary has an empty, repeated or special token")
        }
        vocabulary = Vocabulary(ordinaryTokens: ordinary, counts: Array(repeating: 0, count: ordinary.count))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(vocabulary.tokens, forKey: .tokens)
    }

    public static func == (a: EncodeStage, b: EncodeStage) -> Bool { a.vocabulary.tokens == b.vocabulary.tokens }
}
