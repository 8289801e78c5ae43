extension TagScheme {
    /// Which tags may start a sentence, follow each other, and end a sentence in valid sequences
    /// of `scheme`: the constraints of a CRF or of constrained decoding. `transitions[i][j]` says
    /// whether `tags[j]` may directly follow `tags[i]`; `start[j]` whether a sentence may begin
    /// with `tags[j]`; `end[i]` whether it may end with `tags[i]`.
    ///
    /// With X and Y entity types (Y may equal X unless said otherwise):
    ///
    /// - `iob2`: a sentence starts with `O` or `B-X`. `O` and `B-Y` may follow any tag. `I-Y`
    ///   may only follow `B-Y` or `I-Y` (so not `O`, nor a tag of another type). Any tag may
    ///   end a sentence.
    /// - `iob1`: a sentence starts with `O` or `I-X` (never `B-X`: `B-` only separates two
    ///   adjacent entities of one type). `O` and `I-Y` may follow any tag (`I-Y` after `I-X`,
    ///   X ≠ Y, starts a new entity). `B-Y` may only follow `B-Y` or `I-Y`. Any tag may end a
    ///   sentence.
    /// - `bioes`: a sentence starts with `O`, `B-X` or `S-X`. After `O`, `E-X` and `S-X` come
    ///   only `O`, `B-Y` or `S-Y`; after `B-X` and `I-X` only `I-X` or `E-X` of the same type.
    ///   A sentence ends only on `O`, `E-X` or `S-X`.
    ///
    /// A sequence satisfies these constraints exactly when `convert(_:from:to:)` from the scheme
    /// to itself gives it back unchanged (the tests check this for every short sequence).
    ///
    /// A tag that is not of the scheme — anything but `O` and `P-TYPE` with a non-empty type and
    /// a prefix P the scheme uses (B and I; in `bioes` also E and S) — is allowed nowhere: its
    /// row, its column, its `start` and its `end` are all false (a padding tag, `S-X` in an
    /// `iob2` tag set).
    public static func allowedTransitions(tags: [String], scheme: TagScheme) -> (transitions: [[Bool]], start: [Bool], end: [Bool]) {
        let parts = tags.map { TagPart(tag: $0, scheme: scheme) }
        let start = parts.map { $0.map { scheme.mayStart($0) } ?? false }
        let end = parts.map { $0.map { scheme.mayEnd($0) } ?? false }
        let transitions = parts.map { from in
            parts.map { to in
                guard let from, let to else { return false }
                return scheme.mayFollow(from, to)
            }
        }
        return (transitions, start, end)
    }

    private func mayStart(_ tag: TagPart) -> Bool {
        switch self {
        case .iob1: return tag.kind == .outside || tag.kind == .inside
        case .iob2: return tag.kind == .outside || tag.kind == .begin
        case .bioes: return tag.kind == .outside || tag.kind == .begin || tag.kind == .single
        }
    }

    private func mayEnd(_ tag: TagPart) -> Bool {
        switch self {
        case .iob1, .iob2: return true
        case .bioes: return tag.kind == .outside || tag.kind == .last || tag.kind == .single
        }
    }

    /// Whether `next` may directly follow `previous`.
    private func mayFollow(_ previous: TagPart, _ next: TagPart) -> Bool {
        let sameEntityType = previous.kind != .outside && previous.type == next.type
        switch self {
        case .iob1:
            if next.kind == .begin { return sameEntityType && (previous.kind == .begin || previous.kind == .inside) }
            return true
        case .iob2:
            if next.kind == .inside { return sameEntityType && (previous.kind == .begin || previous.kind == .inside) }
            return true
        case .bioes:
            switch previous.kind {
            case .outside, .last, .single: return next.kind == .outside || next.kind == .begin || next.kind == .single
            case .begin, .inside: return sameEntityType && (next.kind == .inside || next.kind == .last)
            }
        }
    }
}

/// A tag of a scheme, split into what it says about its token and the entity type.
private struct TagPart {
    enum Kind { case outside, begin, inside, last, single }
    var kind: Kind
    /// Empty for `O`.
    var type: Substring

    /// Nil when `tag` is not of `scheme` (see `TagScheme.allowedTransitions`).
    init?(tag: String, scheme: TagScheme) {
        if tag == "O" {
            self.kind = .outside
            self.type = ""
            return
        }
        let scalars = tag.unicodeScalars
        var i = scalars.startIndex
        guard i != scalars.endIndex else { return nil }
        let prefix = scalars[i]
        i = scalars.index(after: i)
        guard i != scalars.endIndex, scalars[i] == "-" else { return nil }
        let type = Substring(scalars[scalars.index(after: i)...])
        guard !type.isEmpty else { return nil }
        switch (prefix, scheme) {
        case ("B", _): kind = .begin
        case ("I", _): kind = .inside
        case ("E", .bioes): kind = .last
        case ("S", .bioes): kind = .single
        default: return nil
        }
        self.type = type
    }
}
