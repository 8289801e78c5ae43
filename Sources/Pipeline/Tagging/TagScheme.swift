/// How the tags of a sequence-labelling task mark entities (chunks) on tokens. Each tag is `O`
/// (outside every entity) or a prefix, a `-` and the entity type (`B-PER`, `I-creative-work`).
///
/// - `iob1` (CoNLL-2003's original files): an entity's tokens are `I-X`; `B-X` marks the first
///   token of an entity only when it directly follows another entity of the same type X.
///   `I-PER I-PER O I-LOC I-LOC B-LOC` has the entities PER, LOC and LOC.
/// - `iob2` (also called BIO; the shared CoNLL-2003 and WNUT-17 files): every entity starts
///   with `B-X`, its other tokens are `I-X`: `B-PER I-PER O B-LOC I-LOC B-LOC`.
/// - `bioes` (also called IOBES): a one-token entity is `S-X`; a longer one is `B-X`, then
///   `I-X` for the inner tokens, then `E-X`: `B-PER E-PER O B-LOC E-LOC S-LOC`.
///
/// ## Reading entities
///
/// `entities(in:scheme:)` reads entities the way conlleval and seqeval's default
/// (conlleval-compatible, non-strict) mode do, so scores computed from them equal theirs. The
/// rules cover `B`, `I`, `E`, `S` and `O` together, repair invalid sequences rather than
/// reject them, and give the same entities whatever the scheme (the `scheme` argument only
/// says what the caller has; valid sequences of every scheme are read as intended). In words:
///
/// - `B-X` and `S-X` always start an entity; so does any tag whose type differs from the
///   previous tag's (`B-PER I-ORG` is PER then ORG: a type switch inside a span splits it).
/// - `I-X` and `E-X` continue an entity of type X opened by `B-X` or `I-X`, and start a new
///   one after `O`, at the start of the sentence, after `E-X`/`S-X`, or after another type:
///   `O I-PER I-PER` is one PER entity of two tokens.
/// - An entity ends after `E-X` and after `S-X`, before `O`, before a `B-` or `S-` tag, and
///   before a tag of another type. `B-X` after `I-X` (or `B-X`) of the same type ends the one
///   entity and starts another. `B-X` without `E-X` (BIOES) still makes an entity.
/// - The end of the sentence ends the open entity.
///
/// `EntityChunker` gives the exact rules (seqeval's `start_of_chunk`/`end_of_chunk`),
/// including how tags of no scheme are read.
public enum TagScheme: String, Codable, CaseIterable, Sendable {
    case iob1, iob2, bioes

    /// The entities of one sentence's tags, in order, as described on the type (seqeval's
    /// `get_entities`, with end-exclusive token ranges). The result does not depend on `scheme`.
    public static func entities(in tags: [String], scheme: TagScheme) -> [EntitySpan] {
        var chunker = EntityChunker()
        var entities: [EntitySpan] = []
        for (index, tag) in tags.enumerated() {
            if let entity = chunker.feed(tag, at: index) { entities.append(entity) }
        }
        if let entity = chunker.finish(at: tags.count) { entities.append(entity) }
        return entities
    }

    /// The tags that mark `entities` in a sentence of `count` tokens in `scheme`; tokens outside
    /// every entity are `O`. In `iob1` an entity starts with `B-` only when it begins right after
    /// the end of the previous entity and has the same type. The entities should be in order and
    /// not overlap (as `entities(in:scheme:)` returns them for tags of any of the three schemes);
    /// where they overlap, a later one overwrites the tokens of an earlier one.
    public static func tags(for entities: [EntitySpan], count: Int, scheme: TagScheme) -> [String] {
        var tags = [String](repeating: "O", count: count)
        var previous: EntitySpan?
        for entity in entities {
            precondition(entity.end <= count, "entity \(entity) beyond the \(count) tokens")
            let type = entity.type
            switch scheme {
            case .iob1:
                let adjacent = previous.map { $0.end == entity.start && $0.type == type } ?? false
                tags[entity.start] = (adjacent ? "B-" : "I-") + type
                for i in entity.start + 1 ..< entity.end { tags[i] = "I-" + type }
            case .iob2:
                tags[entity.start] = "B-" + type
                for i in entity.start + 1 ..< entity.end { tags[i] = "I-" + type }
            case .bioes:
                if entity.count == 1 {
                    tags[entity.start] = "S-" + type
                } else {
                    tags[entity.start] = "B-" + type
                    for i in entity.start + 1 ..< entity.end - 1 { tags[i] = "I-" + type }
                    tags[entity.end - 1] = "E-" + type
                }
            }
            previous = entity
        }
        return tags
    }

    /// `tags` rewritten in another scheme: the entities read by `entities(in:scheme:)`, written
    /// by `tags(for:count:scheme:)`. Valid sequences round-trip exactly between all three schemes
    /// (`iob2 → bioes → iob1 → iob2` gives the input back); invalid ones come back repaired
    /// (`O I-PER` in `iob2` is `O B-PER`).
    public static func convert(_ tags: [String], from: TagScheme, to: TagScheme) -> [String] {
        Self.tags(for: entities(in: tags, scheme: from), count: tags.count, scheme: to)
    }

    /// Guesses the scheme of a tagged corpus: `bioes` when any tag starts with `S-` or `E-`;
    /// otherwise `iob1` when some entity starts with `I-` (an `I-X` at the start of a sentence,
    /// after `O`, or after a tag of another type), which valid `iob2` never has; otherwise
    /// `iob2` (also for a corpus without entities).
    public static func detect(_ tagSequences: [[String]]) -> TagScheme {
        var entityStartsWithI = false
        for tags in tagSequences {
            var openType: Substring?  // the type of the previous tag when it is B-X or I-X
            for tag in tags {
                if tag.hasPrefix("S-") || tag.hasPrefix("E-") { return .bioes }
                let isB = tag.hasPrefix("B-"), isI = tag.hasPrefix("I-")
                let type = (isB || isI) ? tag.dropFirst(2) : nil
                if isI && openType != type { entityStartsWithI = true }
                openType = type
            }
        }
        return entityStartsWithI ? .iob1 : .iob2
    }
}

extension TagScheme {
    /// `O`, or `B-`, `I-`, `E-`, `S-` followed by a type: the tags the schemes are made of.
    static func isEntityTag(_ tag: String) -> Bool {
        tag == "O" || (tag.count > 2 && ["B-", "I-", "E-", "S-"].contains(String(tag.prefix(2))))
    }

    /// Throws, naming `path` and the line, at the first tag of `sentences` that is not an entity
    /// tag (a wrong tag column, or a typo such as `b-PER`), rather than score or learn it.
    public static func checkEntityTags(_ sentences: [CoNLLSentence], path: String) throws {
        for sentence in sentences {
            for (row, tag) in sentence.tags.enumerated() where !isEntityTag(tag) {
                throw DataError(path: path, line: sentence.lineNumbers[row],
                                "'\(tag)' is not a tag of an entity scheme (O, or B-, I-, E-, S- and a type); "
                                + "is --tag-column right?")
            }
        }
    }
}
