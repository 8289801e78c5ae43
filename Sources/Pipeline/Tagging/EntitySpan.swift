/// One entity (chunk) of a tagged sentence: its type and the tokens it covers.
///
/// `start..<end` is a token range, end exclusive: in `B-PER I-PER O B-LOC` the entities are
/// `PER 0..<2` and `LOC 3..<4`. (seqeval writes the same entities as `('PER', 0, 1)` and
/// `('LOC', 3, 3)`, end inclusive.)
public struct EntitySpan: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The entity type: the tag without its prefix (`PER` for `B-PER`, `creative-work` for
    /// `I-creative-work`).
    public var type: String
    /// The first token.
    public var start: Int
    /// One past the last token.
    public var end: Int

    public init(type: String, start: Int, end: Int) {
        precondition(0 <= start && start < end, "an entity covers at least one token")
        self.type = type
        self.start = start
        self.end = end
    }

    /// Number of tokens.
    public var count: Int { end - start }

    /// "PER 0..<2"
    public var description: String { "\(type) \(start)..<\(end)" }
}
