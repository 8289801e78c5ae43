/// Maps each character (extended grapheme cluster) of a token to an id, for character-level
/// features: id 0 is padding, 1 an unknown character, then the characters seen in training.
public struct CharacterEncodeStage: PipelineStage {
    public static let paddingID = 0
    public static let unknownID = 1

    /// Characters by id from 2 on.
    public let characters: [String]
    private let ids: [String: Int]

    public init(characters: [String]) {
        self.characters = characters
        var ids: [String: Int] = [:]
        for (index, character) in characters.enumerated() { ids[character] = index + 2 }
        self.ids = ids
    }

    /// The characters of `tokens` seen at least `minimumCount` times, most frequent first (ties in
    /// code point order).
    public init<S: Sequence>(counting tokens: S, minimumCount: Int = 1) where S.Element == String {
        var counts: [String: Int] = [:]
        for token in tokens { for character in token { counts[String(character), default: 0] += 1 } }
        let kept = counts.filter { $0.value >= minimumCount }.sorted {
            $0.value != $1.value ? $0.value > $1.value : $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars)
        }
        self.init(characters: kept.map(\.key))
    }

    /// Ids in the network's table, padding and unknown included.
    public var count: Int { characters.count + 2 }

    /// token → ids of its characters (at least one).
    public func callAsFunction(_ token: String) -> [Int] {
        let result = token.map { ids[String($0)] ?? Self.unknownID }
        return result.isEmpty ? [Self.unknownID] : result
    }

    private enum CodingKeys: String, CodingKey { case characters }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let characters = try container.decode([String].self, forKey: .characters)
        guard Set(characters).count == characters.count, characters.allSatisfy({ $0.count == 1 }) else {
            throw DecodingError.dataCorruptedError(forKey: .characters, in: container,
                                                   debugDescription: "characters must be single and distinct")
        }
        self.init(characters: characters)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(characters, forKey: .characters)
    }

    public static func == (a: CharacterEncodeStage, b: CharacterEncodeStage) -> Bool { a.characters == b.characters }
}
