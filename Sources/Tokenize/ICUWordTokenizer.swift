/// Splits text into word and punctuation tokens with ICU's word break rules (UAX #29 plus ICU's
/// dictionaries for Chinese, Japanese, Thai, Lao, Khmer and Burmese).
///
/// Whitespace between tokens is dropped; punctuation marks become tokens of their own; words keep
/// their internal apostrophes (`don't`, `l'homme`), numbers their separators (`3.50`, `1,000`) and
/// emoji their modifiers, ZWJ sequences and flags (`👩‍👩‍👧`, `🇩🇪`). Every token carries its UTF-8
/// byte range in the original text; the optional `normalizer` changes only the token text.
///
/// ```swift
/// let tokenizer = try ICUWordTokenizer(locale: "en")
/// tokenizer.tokenize("Don't panic!").map(\.text)   // ["Don't", "panic", "!"]
/// ```
///
/// Lines of pure ASCII take a fast path: a table-driven copy of ICU's word rules restricted to
/// ASCII, about ten times faster than ICU and with the same result. When the tokenizer is created
/// the shim checks the copy against ICU's rules for the locale on a probe text covering every ASCII
/// character in every context, and keeps the fast path only if they agree (they do not for
/// `en_US_POSIX`, `sv` or `fi`, whose rules differ).
///
/// An instance reuses one ICU break iterator and its buffers, so it is cheap to call repeatedly
/// but not thread-safe: give each thread its own tokenizer.
public final class ICUWordTokenizer {
    /// The ICU locale of the break rules (and of lowercasing, through `normalizer`).
    public let locale: String
    /// Applied to each token's text.
    public let normalizer: TextNormalizer
    /// Whether pure-ASCII lines skip ICU (requested and verified for this locale).
    public var usesASCIIFastPath: Bool { asciiFastPath && segmenter.hasASCIIFastPath }
    private let asciiFastPath: Bool
    private let segmenter: ICUSegmenter

    /// Creates a tokenizer. `normalizer.locale` is set to `locale`. Pass `asciiFastPath: false`
    /// to send every line through ICU (for comparisons and benchmarks; the tokens are the same).
    public init(locale: String = "en", normalizer: TextNormalizer = TextNormalizer(),
                asciiFastPath: Bool = true) throws(TokenizeError) {
        self.locale = locale
        self.asciiFastPath = asciiFastPath
        var normalizer = normalizer
        normalizer.locale = locale
        self.normalizer = normalizer
        segmenter = try ICUSegmenter(kind: .word, locale: locale)
    }

    /// Tokenizes `text`; ranges are UTF-8 byte offsets into `text`.
    public func tokenize(_ text: String) -> [Token] {
        var text = text
        return text.withUTF8 { tokenize(utf8: $0) }
    }

    /// Tokenizes UTF-8 bytes (invalid sequences read as U+FFFD); ranges are offsets into `utf8`.
    public func tokenize(utf8: UnsafeBufferPointer<UInt8>) -> [Token] {
        withTokenRanges(in: utf8) { ranges in
            ranges.map { range in
                Token(text: normalizedText(of: UnsafeBufferPointer(rebasing: utf8[range])), range: range)
            }
        }
    }

    /// The fast path: calls `body` with the byte ranges of all tokens in `utf8`, creating no
    /// strings. The collection is only valid inside `body`. Use `normalizer.append(_:to:)` to get
    /// token bytes. Lines in a multi-line buffer never share a token (ICU always breaks at "\n").
    public func withTokenRanges<R>(
        in utf8: UnsafeBufferPointer<UInt8>, _ body: (TokenRanges) throws -> R
    ) rethrows -> R {
        try segmenter.withSegments(of: utf8, trimSpace: true, asciiFastPath: asciiFastPath) {
            try body(TokenRanges(pairs: $0))
        }
    }

    private func normalizedText(of bytes: UnsafeBufferPointer<UInt8>) -> String {
        if normalizer.isIdentity { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        normalizer.append(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
