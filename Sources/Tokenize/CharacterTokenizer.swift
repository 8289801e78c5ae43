/// Splits text into user-perceived characters (extended grapheme clusters, ICU character break):
/// `é` written as e + U+0301, a flag `🇩🇪` or a family emoji `👩‍👩‍👧` is one token.
///
/// For character-level models. Spaces are tokens too unless `dropWhitespace` is set (then every
/// whitespace cluster is dropped). Ranges are UTF-8 byte offsets into the original text; the
/// optional normalizer changes only the token text.
///
/// Not thread-safe: one instance per thread.
public final class CharacterTokenizer {
    /// Whether whitespace clusters are dropped.
    public let dropWhitespace: Bool
    /// Applied to each character's text.
    public let normalizer: TextNormalizer
    private let segmenter: ICUSegmenter

    public init(locale: String = "en", dropWhitespace: Bool = false,
                normalizer: TextNormalizer = TextNormalizer()) throws(TokenizeError) {
        self.dropWhitespace = dropWhitespace
        var normalizer = normalizer
        normalizer.locale = locale
        self.normalizer = normalizer
        segmenter = try ICUSegmenter(kind: .character, locale: locale)
    }

    /// The grapheme clusters of `text`.
    public func tokenize(_ text: String) -> [Token] {
        var text = text
        return text.withUTF8 { bytes in
            segmenter.ranges(of: bytes, trimSpace: dropWhitespace).map { range in
                var out: [UInt8] = []
                normalizer.append(UnsafeBufferPointer(rebasing: bytes[range]), to: &out)
                return Token(text: String(decoding: out, as: UTF8.self), range: range)
            }
        }
    }
}
