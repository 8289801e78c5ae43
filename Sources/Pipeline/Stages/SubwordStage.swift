import Tokenize

/// Turns text into byte-pair-encoding subword pieces and pieces back into text, for translation:
/// the pieces carry the spacing of the text, so model output needs no detokenizer.
///
///     "Ein Mann's Hund, 3-mal." → tokens   Ein  Mann's  Hund  ,  3  -  mal  .
///                               → words    ▁Ein ▁Mann's ▁Hund ,  ▁3 -  mal  .
///                               → pieces   ▁Ein ▁Mann 's ▁Hund , ▁3 - mal .
///
/// The pieces are those of 10,000 merges learned on Multi30k's English and German training text.
///
/// `pieces(of:)` tokenizes the text with `tokenize`, marks each token that has whitespace before
/// it in the text (and the first token) with `BytePairEncoding.wordBoundary` (`▁`), and segments
/// each marked token with `encoding`. `text(from:)` is `BytePairEncoding.join(_:)`: concatenate,
/// `▁` → space, drop the leading space. Words are found by the tokenizer rather than by splitting
/// on spaces so that punctuation never merges with a word (`Hund,` is `▁Hund` `,`), whatever the
/// merges.
///
/// ## What the round trip keeps
///
/// `text(from: pieces(of: s))` is `s` as the tokenizer sees it: each token normalized (NFC by
/// default, lowercased if `tokenize.normalize` says so), every run of whitespace between tokens a
/// single space, no whitespace at either end. So for ordinary text
///
///     text(from: pieces(of: s)) == collapsed(NormalizeStage(s))
///
/// where `collapsed` turns whitespace runs into one space and trims the ends. What else changes:
/// - The zero-width separators U+200B, U+2060 and U+FEFF between tokens are dropped by the ICU
///   tokenizer and not replaced by a space (inside a word they are kept).
/// - A `▁` (U+2581) in the input comes back as a space: it is the word-boundary mark.
/// - Normalization is per token, so nothing composes across token boundaries (a combining mark
///   written after a space is a token of its own, which is also what whole-text NFC gives), and
///   NFKC can turn a character into text with a space in it (`¨` → space + U+0308), which comes
///   back as that space.
/// - With `tokenize.method == .whitespace` only spaces and tabs separate tokens, so a newline stays
///   inside a token and comes back unchanged; use `.icu` (the default) for raw text.
/// Control characters other than whitespace are kept (ICU makes them tokens of their own).
///
/// Token ranges (`Token.range`) are UTF-8 byte offsets into the original text; the whitespace test
/// reads the original bytes between two tokens.
public struct SubwordStage: PipelineStage {
    public var tokenize: TokenizeStage
    public var encoding: BytePairEncoding

    public init(tokenize: TokenizeStage = TokenizeStage(), encoding: BytePairEncoding) {
        self.tokenize = tokenize
        self.encoding = encoding
    }

    /// Learns `merges` merges jointly from `texts` (for translation, the source and the target
    /// sides together, so that names and numbers segment alike on both), counting the marked words
    /// of every text (`words(of:)`).
    /// - Precondition: `merges >= 0`, `minimumFrequency >= 1`.
    public init(learning merges: Int, from texts: [String], tokenize: TokenizeStage = TokenizeStage(),
                minimumFrequency: Int = 2) {
        self.tokenize = tokenize
        var counts: [String: Int] = [:]
        for text in texts {
            for word in Self.words(of: text, tokenize: tokenize) { counts[word, default: 0] += 1 }
        }
        encoding = BytePairEncoding.learn(wordCounts: counts, merges: merges, minimumFrequency: minimumFrequency)
    }

    /// The pieces of `text`.
    public func callAsFunction(_ text: String) -> [String] { pieces(of: text) }

    /// The pieces of `text`: its marked words, segmented.
    public func pieces(of text: String) -> [String] {
        words(of: text).flatMap(encoding.segment)
    }

    /// The text the pieces spell (`BytePairEncoding.join(_:)`).
    public func text(from pieces: [String]) -> String { BytePairEncoding.join(pieces) }

    /// The tokens of `text`, normalized, those after whitespace and the first marked with `▁`.
    public func words(of text: String) -> [String] { Self.words(of: text, tokenize: tokenize) }

    static func words(of text: String, tokenize: TokenizeStage) -> [String] {
        let tokens = tokenize.tokens(of: text)
        guard !tokens.isEmpty else { return [] }
        let utf8 = Array(text.utf8)
        var words: [String] = []
        words.reserveCapacity(tokens.count)
        var previousEnd: Int?
        for token in tokens {
            let marked = previousEnd.map { containsWhitespace(utf8[$0..<token.range.lowerBound]) } ?? true
            words.append(marked ? String(BytePairEncoding.wordBoundary) + token.text : token.text)
            previousEnd = token.range.upperBound
        }
        return words
    }

    /// Whether the UTF-8 bytes hold a Unicode White_Space character.
    static func containsWhitespace(_ bytes: ArraySlice<UInt8>) -> Bool {
        var ascii = true
        for byte in bytes {
            if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) { return true }
            if byte >= 0x80 { ascii = false }
        }
        if ascii { return false }
        return String(decoding: bytes, as: UTF8.self).unicodeScalars.contains { $0.properties.isWhitespace }
    }
}
