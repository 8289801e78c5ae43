/// Byte ranges of tokens, borrowed from the tokenizer's buffer (see
/// `ICUWordTokenizer.withTokenRanges`). Do not let it escape the closure.
public struct TokenRanges: RandomAccessCollection {
    let pairs: UnsafeBufferPointer<Int32>

    public var startIndex: Int { 0 }
    public var endIndex: Int { pairs.count / 2 }

    /// The UTF-8 byte range of token `i`.
    @inline(__always)
    public subscript(i: Int) -> Range<Int> {
        Int(pairs[2 * i])..<Int(pairs[2 * i + 1])
    }
}
