/// One token of a text: its (possibly normalized) text and where it came from.
///
/// `range` is always a range of UTF-8 byte offsets into the ORIGINAL text that was tokenized,
/// even when `text` was normalized or lowercased: `Array(source.utf8)[token.range]` gives the
/// token as it was written.
public struct Token: Hashable, Sendable, CustomStringConvertible {
    /// The token text, after the tokenizer's normalization (if any).
    public var text: String
    /// UTF-8 byte offsets `[start, end)` of the token in the original text.
    public var range: Range<Int>

    public init(text: String, range: Range<Int>) {
        self.text = text
        self.range = range
    }

    public var description: String { "\(text)@\(range.lowerBound)..<\(range.upperBound)" }
}
