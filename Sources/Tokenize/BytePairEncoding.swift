/// A byte-pair-encoding subword vocabulary (Sennrich, Haddow and Birch 2016, "Neural Machine
/// Translation of Rare Words with Subword Units"): an ordered list of merges that splits any word
/// into pieces from a fixed, open-ended inventory, frequent words whole and rare words in parts.
///
/// ## Words and the word-boundary mark
///
/// A word is a string without whitespace. A word that was preceded by whitespace in its text (or
/// began the text) carries a leading `▁` (U+2581, `wordBoundary`), as in SentencePiece, so that the
/// pieces alone say where the spaces were and `join(_:)` turns them back into text without any
/// detokenizer rules:
///
///     "A rock-climber doesn't fall."
///       → words  ▁A ▁rock - climber ▁doesn't ▁fall .
///       → pieces ▁A ▁rock - cl im ber ▁does n't ▁fall .   (10,000 merges learned on Multi30k)
///       → "A rock-climber doesn't fall."
///
/// The initial symbols of a word are its `Character`s (extended grapheme clusters, so `é` written
/// as `e` + U+0301 and `👩‍👩‍👧` are one symbol each), and the `▁` is a symbol of its own. The other
/// choice, `▁` glued to the first character as one initial symbol (as subword-nmt glues `</w>` to
/// the last), was rejected: it adds a second alphabet of marked characters, and a character seen in
/// training but never at the start of a word (`▁ß`, `▁ä`) would then be an unknown symbol. With `▁`
/// separate, every piece a word can break into is `▁` or a known character at worst; the first
/// merges simply learn `▁` + frequent initial letters. The cost is small: learned jointly on
/// Multi30k's English and German training text with 10,000 merges, the two choices give 14.15 and
/// 14.13 pieces per training sentence, and the same to within 0.01 on the 2016 test set. (A `▁`
/// followed by a combining mark forms one character with it, as any base character would.)
///
/// ## Merges and segmentation
///
/// `merges[r]` is the merge of rank `r`: the pair of adjacent symbols `left`, `right` becomes the
/// symbol `left + right`. `segment(_:)` starts from the characters of a word and repeatedly applies
/// the present merge of lowest rank to every non-overlapping occurrence, left to right, until none
/// applies, as subword-nmt's `apply_bpe.py` does; this replays what learning did to the words it saw.
/// Characters no merge mentions stay single-character pieces: nothing is ever lost, and
/// `pieces.joined() == word` always holds (as Swift compares strings: canonically equivalent).
///
/// Segmentations are cached (see `SubwordSegmenter`); the cache is shared by copies of a value and
/// is thread-safe, so one `BytePairEncoding` can serve several threads.
///
/// ## Coding
///
/// Encodes as `{"merges": [["e", "s"], ["es", "t"], ...]}`, rank order.
public struct BytePairEncoding: Codable, Equatable, Sendable {
    /// The mark of a word that follows whitespace or starts the text: `▁` (U+2581, "lower one
    /// eighth block"), SentencePiece's choice.
    public static let wordBoundary: Character = "\u{2581}"

    /// One merge: adjacent symbols `left` and `right` become `left + right`.
    public struct Merge: Hashable, Codable, Sendable, CustomStringConvertible {
        public var left: String
        public var right: String

        public init(_ left: String, _ right: String) {
            self.left = left
            self.right = right
        }

        /// The merged symbol.
        public var result: String { left + right }

        public var description: String { "\(left) \(right)" }

        /// Coded as a two-element array `[left, right]`.
        public init(from decoder: Decoder) throws {
            var container = try decoder.unkeyedContainer()
            left = try container.decode(String.self)
            right = try container.decode(String.self)
            guard container.isAtEnd else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "a merge is a pair [left, right]")
            }
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.unkeyedContainer()
            try container.encode(left)
            try container.encode(right)
        }
    }

    /// The merges in rank order (the order they were learned in).
    public let merges: [Merge]
    /// The merge table and the cache; derived from `merges`, so not part of equality or coding.
    private let segmenter: SubwordSegmenter

    /// An encoding from merges in rank order.
    /// - Precondition: no empty symbol, no merge listed twice (`problem(in:)` is nil).
    public init(merges: [Merge]) {
        if let problem = Self.problem(in: merges) { preconditionFailure(problem) }
        self.merges = merges
        segmenter = SubwordSegmenter(merges: merges)
    }

    /// No merges: every word segments into its characters.
    public init() { self.init(merges: []) }

    /// Why `merges` cannot form an encoding, or nil when it can.
    static func problem(in merges: [Merge]) -> String? {
        var seen = Set<Merge>()
        seen.reserveCapacity(merges.count)
        for (rank, merge) in merges.enumerated() {
            if merge.left.isEmpty || merge.right.isEmpty { return "merge \(rank) has an empty symbol" }
            if !seen.insert(merge).inserted { return "merge \(rank) (\(merge)) is listed twice" }
        }
        return nil
    }

    /// Number of merges.
    public var count: Int { merges.count }

    /// The pieces of `word`, merges applied by rank. `word` is segmented as given: mark it with
    /// `wordBoundary` first when it followed whitespace. The pieces concatenate to `word`.
    public func segment(_ word: String) -> [String] { segmenter.segment(word) }

    /// Joins pieces back into text: concatenates them, turns every `▁` into a space and drops the
    /// single space the first word's mark leaves at the start. The exact inverse of marking words
    /// and segmenting them: `join(words.flatMap(segment)) == text` when the words are the text's
    /// whitespace-separated words, the first and each one after whitespace marked.
    public static func join(_ pieces: [String]) -> String {
        var text = String.UnicodeScalarView()
        let mark = wordBoundary.unicodeScalars.first!
        for piece in pieces {
            for scalar in piece.unicodeScalars {
                text.append(scalar == mark ? " " : scalar)
            }
        }
        if text.first == " " { text.removeFirst() }
        return String(text)
    }

    // MARK: Codable, Equatable

    private enum CodingKeys: String, CodingKey { case merges }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let merges = try container.decode([Merge].self, forKey: .merges)
        if let problem = Self.problem(in: merges) {
            throw DecodingError.dataCorruptedError(forKey: .merges, in: container, debugDescription: problem)
        }
        self.init(merges: merges)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(merges, forKey: .merges)
    }

    public static func == (a: BytePairEncoding, b: BytePairEncoding) -> Bool { a.merges == b.merges }
}
