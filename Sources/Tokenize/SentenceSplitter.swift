/// Splits text into sentences with ICU's sentence break rules.
///
/// Uses ICU's abbreviation suppressions (`@ss=standard`), so `Mr. Smith` or `p.m.` do not end a
/// sentence in the languages ICU has lists for (en, de, fr, es, it, ...). Whitespace around each
/// sentence is trimmed; ranges are UTF-8 byte offsets into the original text. Line and paragraph
/// separators ("\n", U+2029) always end a sentence.
///
/// ```swift
/// let splitter = try SentenceSplitter(locale: "en")
/// splitter.split("Mr. Smith came. He sat.").map(\.text)   // ["Mr. Smith came.", "He sat."]
/// ```
///
/// Not thread-safe: one instance per thread.
public final class SentenceSplitter {
    /// The ICU locale of the break rules.
    public let locale: String
    private let segmenter: ICUSegmenter

    public init(locale: String = "en") throws(TokenizeError) {
        self.locale = locale
        let withSuppressions = locale.contains("@") ? locale : locale + "@ss=standard"
        segmenter = try ICUSegmenter(kind: .sentence, locale: withSuppressions)
    }

    /// The sentences of `text` with their byte ranges in `text`.
    public func split(_ text: String) -> [Token] {
        var text = text
        return text.withUTF8 { bytes in
            sentenceRanges(in: bytes).map {
                Token(text: String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self), range: $0)
            }
        }
    }

    /// The byte ranges of the sentences in the UTF-8 bytes `utf8`, whitespace trimmed.
    public func sentenceRanges(in utf8: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        segmenter.ranges(of: utf8, trimSpace: true)
    }
}
