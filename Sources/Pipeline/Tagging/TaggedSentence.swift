/// A sentence of raw text with a tag for each token and the entities the tags spell.
///
/// Offsets are in UTF-8 bytes of the text that was tagged (`tag(_:)`'s argument); `TagCommand`
/// turns them into character offsets in the file.
public struct TaggedSentence: Equatable, Sendable {
    public struct TaggedToken: Equatable, Sendable {
        public var text: String
        public var tag: String
        /// UTF-8 byte range in the tagged text.
        public var range: Range<Int>
    }

    public struct Entity: Equatable, Sendable {
        public var type: String
        /// The entity as written in the text (from its first token's start to its last's end).
        public var text: String
        /// Token indices in the sentence, end exclusive.
        public var tokens: Range<Int>
        /// UTF-8 byte range in the tagged text.
        public var range: Range<Int>
        /// The model's confidence: the mean over the entity's tokens of the tag's posterior probability.
        public var confidence: Double
    }

    /// UTF-8 byte range of the sentence in the tagged text.
    public var range: Range<Int>
    public var tokens: [TaggedToken]
    public var entities: [Entity]
}
