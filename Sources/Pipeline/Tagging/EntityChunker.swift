/// The chunking state machine of conlleval and of seqeval's default mode, fed one tag at a time.
///
/// A tag is read as a prefix, its first Unicode scalar, and a type: what follows the first `-`
/// after the prefix, or everything after the prefix when there is no `-`, or `_` when that is
/// empty (`B-PER` is B / PER, `I-creative-work` is I / creative-work, a bare `B` is B / _).
/// An empty tag is read as `O`. Before the first tag the previous prefix is `O` and the previous
/// type is empty. At each tag, with `p`/`pt` the previous prefix and type and `t`/`tt` the
/// current ones, an entity ends before the tag when
///
///     p is E or S,  or  p is B or I and t is B, S or O,  or  p is not O or "." and pt != tt
///
/// and an entity starts at the tag when
///
///     t is B or S,  or  p is E, S or O and t is E or I,  or  t is not O or "." and pt != tt.
///
/// The entity that ends runs from the last start to the token before. `finish` feeds the `O`
/// that closes a sequence. The rules are seqeval 1.2.2's `end_of_chunk` / `start_of_chunk`
/// (themselves conlleval.pl's), applied to the same sequence, so the entities are the same.
struct EntityChunker {
    private var previousPrefix: Unicode.Scalar = "O"
    private var previousType: Substring = ""
    private var begin = 0

    init() {}

    /// Feeds the tag at token `index` (indices increase by one per call); returns the entity that
    /// ended just before it, if one did.
    mutating func feed(_ tag: String, at index: Int) -> EntitySpan? {
        let (prefix, type) = Self.split(tag)
        return feed(prefix: prefix, type: type, at: index)
    }

    /// Feeds the `O` after the last tag, at `index` (the sequence's length); returns the last
    /// entity if it is still open.
    mutating func finish(at index: Int) -> EntitySpan? {
        feed(prefix: "O", type: "_", at: index)
    }

    private mutating func feed(prefix t: Unicode.Scalar, type: Substring, at index: Int) -> EntitySpan? {
        let p = previousPrefix
        let typeChanged = !previousType.unicodeScalars.elementsEqual(type.unicodeScalars)  // as Python compares
        let ends = p == "E" || p == "S"
            || ((p == "B" || p == "I") && (t == "B" || t == "S" || t == "O"))
            || (p != "O" && p != "." && typeChanged)
        let starts = t == "B" || t == "S"
            || ((p == "E" || p == "S" || p == "O") && (t == "E" || t == "I"))
            || (t != "O" && t != "." && typeChanged)
        var ended: EntitySpan?
        if ends { ended = EntitySpan(type: String(previousType), start: begin, end: index) }
        if starts { begin = index }
        previousPrefix = t
        previousType = type
        return ended
    }

    /// The prefix and type of `tag`, as described on the type.
    static func split(_ tag: String) -> (prefix: Unicode.Scalar, type: Substring) {
        let scalars = tag.unicodeScalars
        guard let prefix = scalars.first else { return ("O", "_") }
        let rest = scalars[scalars.index(after: scalars.startIndex)...]
        let typeScalars = rest.firstIndex(of: "-").map { rest[rest.index(after: $0)...] } ?? rest
        let type = Substring(typeScalars)
        return (prefix, type.isEmpty ? "_" : type)
    }
}
