import FileIO

/// Counts tokens over a corpus and turns the counts into a `Vocabulary`.
///
/// Memory grows with the number of distinct tokens, not with the corpus: `addFile(_:tokenizer:)`
/// streams the file through a `LineReader` in chunks.
///
/// ```swift
/// var builder = VocabularyBuilder()
/// try builder.addFile("train.en", tokenizer: ICUWordTokenizer(locale: "en"))
/// let vocabulary = builder.build(minimumCount: 2, maximumSize: 10_000)
/// ```
public struct VocabularyBuilder: Sendable {
    /// Count of every distinct token added so far.
    public private(set) var counts: [String: Int] = [:]
    /// Total number of token occurrences added (special tokens excluded).
    public private(set) var totalCount = 0

    public init() {}

    /// Counts `token` `times` times. The special tokens (`<pad>`, ...) and the empty string are
    /// ignored: they always have their fixed ids.
    public mutating func add(_ token: String, times: Int = 1) {
        precondition(times >= 0, "negative count")
        if token.isEmpty || Vocabulary.specialTokens.contains(token) { return }
        counts[token, default: 0] += times
        totalCount += times
    }

    /// Counts every token of `tokens`.
    public mutating func add<S: Sequence>(contentsOf tokens: S) where S.Element == String {
        for token in tokens { add(token) }
    }

    /// Tokenizes every line of a UTF-8 file with `tokenizer` (including its normalizer) and
    /// counts the tokens. Reads in chunks, so the file may be larger than memory.
    /// - Throws: `FileError` for a missing file or invalid UTF-8 (with file and line).
    public mutating func addFile(_ path: String, tokenizer: ICUWordTokenizer) throws {
        let reader = try LineReader(path: path)
        try addLines(from: reader, tokenizer: tokenizer)
    }

    /// Tokenizes and counts every line `reader` yields.
    public mutating func addLines(from reader: LineReader, tokenizer: ICUWordTokenizer) throws {
        var scratch: [UInt8] = []
        let normalizer = tokenizer.normalizer
        try reader.forEachBlock { block, _ in
            tokenizer.withTokenRanges(in: block) { ranges in
                for range in ranges {
                    let bytes = UnsafeBufferPointer(rebasing: block[range])
                    if normalizer.isIdentity {
                        add(String(decoding: bytes, as: UTF8.self))
                    } else {
                        scratch.removeAll(keepingCapacity: true)
                        normalizer.append(bytes, to: &scratch)
                        add(String(decoding: scratch, as: UTF8.self))
                    }
                }
            }
        }
    }

    /// Builds the vocabulary: the specials at ids 0-3, then every token seen at least
    /// `minimumCount` times, ordered by count (descending) and then by UTF-8 bytes, cut to
    /// `maximumSize` entries in total (specials included) when given.
    /// - Precondition: `minimumCount >= 1`, `maximumSize >= 4`.
    public func build(minimumCount: Int = 1, maximumSize: Int? = nil) -> Vocabulary {
        precondition(minimumCount >= 1, "minimumCount must be at least 1")
        precondition(maximumSize.map { $0 >= Vocabulary.specialTokens.count } ?? true,
                     "maximumSize must leave room for the 4 special tokens")
        var entries = counts.filter { $0.value >= minimumCount }.map { (token: $0.key, count: $0.value) }
        entries.sort { a, b in
            a.count != b.count ? a.count > b.count : a.token.utf8.lexicographicallyPrecedes(b.token.utf8)
        }
        if let maximumSize {
            let room = maximumSize - Vocabulary.specialTokens.count
            if entries.count > room { entries.removeSubrange(room...) }
        }
        return Vocabulary(ordinaryTokens: entries.map(\.token), counts: entries.map(\.count))
    }
}
