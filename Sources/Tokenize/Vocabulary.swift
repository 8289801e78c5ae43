import FileIO

/// A fixed mapping between tokens and integer ids, with the count of each token in the corpus it
/// was built from.
///
/// Ids 0...3 are always the special tokens `<pad>` (padding), `<unk>` (unknown token), `<s>`
/// (start of sequence) and `</s>` (end of sequence). Ordinary tokens follow, in the order given
/// by `VocabularyBuilder`: count descending, then UTF-8 bytes ascending (code point order).
///
/// Tokens are Swift strings, so two canonically equivalent spellings (NFC and NFD `é`) are the
/// same token; normalize with `TextNormalizer` (NFC) if that matters.
///
/// ## File format
///
/// Plain UTF-8 text, one entry per line, line *n* (1-based) holding the token with id *n* − 1:
///
/// ```text
/// <pad>\t0
/// <unk>\t0
/// <s>\t0
/// </s>\t0
/// the\t3021
/// ,\t1877
/// ```
///
/// Each line is the token, one TAB, and its count as a decimal integer ≥ 0, ending with "\n".
/// Lines 1-4 must be the four special tokens in this order; tokens are not empty, contain no TAB
/// and appear once. Loading a file that breaks a rule throws
/// `TokenizeError.malformedVocabulary` naming the file and line.
public struct Vocabulary: Equatable, Sendable {
    /// The special tokens, at ids 0, 1, 2, 3.
    public static let specialTokens = ["<pad>", "<unk>", "<s>", "</s>"]
    public static let paddingID = 0
    public static let unknownID = 1
    public static let startID = 2
    public static let endID = 3

    /// All tokens by id, specials first.
    public let tokens: [String]
    /// Corpus counts by id (0 for the specials).
    public let counts: [Int]
    private let ids: [String: Int]

    /// Creates a vocabulary from ordinary tokens and their counts (specials are added in front).
    /// - Precondition: no duplicates, no specials, no empty tokens, no TAB or "\n" in a token.
    public init(ordinaryTokens: [String], counts: [Int]) {
        precondition(ordinaryTokens.count == counts.count, "one count per token")
        self.init(validatedTokens: Self.specialTokens + ordinaryTokens, counts: [0, 0, 0, 0] + counts)
        precondition(ids.count == tokens.count, "duplicate or special token in the ordinary tokens")
        for token in ordinaryTokens {
            precondition(!token.isEmpty && !token.utf8.contains(9) && !token.utf8.contains(10),
                         "token \(token.debugDescription) cannot be stored in a vocabulary file")
        }
    }

    private init(validatedTokens tokens: [String], counts: [Int]) {
        self.tokens = tokens
        self.counts = counts
        var ids: [String: Int] = [:]
        ids.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() where ids[token] == nil { ids[token] = id }
        self.ids = ids
    }

    /// Number of entries, specials included.
    public var count: Int { tokens.count }

    /// The id of `token`, or `unknownID` when it is not in the vocabulary.
    public func id(of token: String) -> Int { ids[token] ?? Self.unknownID }

    /// Whether `token` has an id of its own.
    public func contains(_ token: String) -> Bool { ids[token] != nil }

    /// The token with id `id`; `<unk>` for ids outside the vocabulary.
    public func token(at id: Int) -> String {
        tokens.indices.contains(id) ? tokens[id] : Self.specialTokens[Self.unknownID]
    }

    /// Maps tokens to ids (unknown tokens to `unknownID`), optionally framed by `<s>` ... `</s>`.
    public func encode<S: Sequence>(_ tokens: S, addStartAndEnd: Bool = false) -> [Int] where S.Element == String {
        var result: [Int] = addStartAndEnd ? [Self.startID] : []
        result.reserveCapacity(tokens.underestimatedCount + 2)
        for token in tokens { result.append(id(of: token)) }
        if addStartAndEnd { result.append(Self.endID) }
        return result
    }

    /// Maps ids back to tokens. With `skipControlTokens`, `<pad>`, `<s>` and `</s>` are left out
    /// (`<unk>` is kept: it stands for a word). Ids outside the vocabulary decode to `<unk>`.
    public func decode(_ ids: [Int], skipControlTokens: Bool = true) -> [String] {
        var result: [String] = []
        result.reserveCapacity(ids.count)
        for id in ids {
            if skipControlTokens && (id == Self.paddingID || id == Self.startID || id == Self.endID) { continue }
            result.append(token(at: id))
        }
        return result
    }

    /// Writes the vocabulary in the file format above, atomically (`AtomicFile`).
    public func save(to path: String) throws(FileError) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(tokens.count * 12)
        for (token, count) in zip(tokens, counts) {
            bytes.append(contentsOf: token.utf8)
            bytes.append(9)
            bytes.append(contentsOf: String(count).utf8)
            bytes.append(10)
        }
        try AtomicFile.write(bytes, to: path)
    }

    /// Reads a vocabulary file written by `save(to:)` (or by hand, following the format).
    /// - Throws: `FileError` for a missing file or invalid UTF-8, `TokenizeError` for every
    ///   format violation, each naming the file and line.
    public static func load(from path: String) throws -> Vocabulary {
        var tokens: [String] = []
        var counts: [Int] = []
        var seen: [String: Int] = [:]
        func fail(_ line: Int, _ reason: String) -> TokenizeError {
            .malformedVocabulary(path: path, line: line, reason: reason)
        }
        try LineReader(path: path).forEachLine { bytes, line in
            guard let tab = bytes.firstIndex(of: 9) else {
                throw fail(line, "expected <token> TAB <count>, found no TAB")
            }
            let token = String(decoding: UnsafeBufferPointer(rebasing: bytes[..<tab]), as: UTF8.self)
            let countBytes = UnsafeBufferPointer(rebasing: bytes[(tab + 1)...])
            guard !token.isEmpty else { throw fail(line, "empty token") }
            guard !countBytes.contains(9) else { throw fail(line, "more than one TAB") }
            guard let count = parseCount(countBytes) else {
                let text = String(decoding: countBytes, as: UTF8.self)
                throw fail(line, "count \(text.debugDescription) is not a non-negative integer")
            }
            let id = tokens.count
            if id < specialTokens.count {
                guard token == specialTokens[id] else {
                    throw fail(line, "line \(id + 1) must be the special token \(specialTokens[id]), found \(token.debugDescription)")
                }
            } else if let previous = seen[token] {
                throw fail(line, "token \(token.debugDescription) already appears on line \(previous)")
            }
            seen[token] = line
            tokens.append(token)
            counts.append(count)
        }
        guard tokens.count >= specialTokens.count else {
            throw fail(tokens.count + 1, "missing special token \(specialTokens[tokens.count]) (lines 1-4 must be <pad>, <unk>, <s>, </s>)")
        }
        return Vocabulary(validatedTokens: tokens, counts: counts)
    }

    private static func parseCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}
