import CICU

/// The speed ceiling for word tokenization, used by `nlp bench-tokenize`: holds a text already
/// converted to UTF-16 and only iterates ICU's word boundaries over it (one `ubrk_setText`, then
/// `ubrk_next` to the end) without converting, trimming or copying anything.
public final class ICUBoundaryCounter {
    private let segmenter: ICUSegmenter
    private let utf16: [UInt16]

    /// Converts `utf8` (the whole text) to UTF-16 once.
    public init(utf8: [UInt8], locale: String = "en") throws(TokenizeError) {
        precondition(utf8.count <= ICUSegmenter.maximumLength, "text over 1 GiB")
        segmenter = try ICUSegmenter(kind: .word, locale: locale)
        var units = [UInt16](repeating: 0, count: utf8.count)
        let n = utf8.withUnsafeBufferPointer { src in
            units.withUnsafeMutableBufferPointer { dst in
                cicu_utf8_to_utf16(src.baseAddress, Int32(src.count), dst.baseAddress, Int32(dst.count))
            }
        }
        units.removeSubrange(Int(n)...)
        utf16 = units
    }

    /// Number of UTF-16 code units of the text.
    public var utf16Count: Int { utf16.count }

    /// Iterates all word boundaries and returns how many there are.
    public func countBoundaries() -> Int {
        utf16.withUnsafeBufferPointer { segmenter.countBoundaries(utf16: $0) }
    }
}
