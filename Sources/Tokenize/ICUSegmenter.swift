import CICU

/// An owned ICU break iterator (word, sentence or grapheme cluster) behind the C shim.
///
/// One call segments a whole UTF-8 buffer: the shim converts it to UTF-16 once, iterates the
/// boundaries in C and returns every segment as a pair of UTF-8 byte offsets. Not thread-safe:
/// use one instance per thread. Internal; the public types wrap it.
final class ICUSegmenter {
    enum Kind {
        case character, word, sentence

        var cValue: Int32 {
            switch self {
            case .character: return Int32(CICU_BREAK_CHARACTER)
            case .word: return Int32(CICU_BREAK_WORD)
            case .sentence: return Int32(CICU_BREAK_SENTENCE)
            }
        }
    }

    /// The largest buffer one call accepts (the shim's limit).
    static let maximumLength = 1 << 30

    private let breaker: OpaquePointer

    /// Opens a break iterator. ICU falls back to the root locale for locales it does not know.
    init(kind: Kind, locale: String) throws(TokenizeError) {
        var status: Int32 = 0
        let opened = locale.withCString { cicu_breaker_open(kind.cValue, $0, &status) }
        guard let opened, status <= 0 else {
            throw .icuFailure(operation: "ubrk_open(\(kind), \"\(locale)\")", code: status)
        }
        breaker = opened
    }

    deinit { cicu_breaker_close(breaker) }

    /// Whether pure-ASCII lines skip ICU (word breakers only; see `CICU_SEGMENT_NO_ASCII_FAST_PATH`).
    var hasASCIIFastPath: Bool { cicu_breaker_has_ascii_fast_path(breaker) != 0 }

    /// Segments `text` and calls `body` with the segments' byte ranges as consecutive
    /// `start, end` pairs (relative to `text.baseAddress`). The buffer is only valid inside `body`.
    /// - Parameters:
    ///   - trimSpace: trim whitespace from both ends of each segment and drop segments that
    ///     become empty (whitespace runs between words, trailing spaces after sentences).
    ///   - asciiFastPath: let pure-ASCII lines of a word breaker skip ICU (same result).
    func withSegments<R>(
        of text: UnsafeBufferPointer<UInt8>, trimSpace: Bool, asciiFastPath: Bool = true,
        _ body: (UnsafeBufferPointer<Int32>) throws -> R
    ) rethrows -> R {
        precondition(text.count <= Self.maximumLength, "text of \(text.count) bytes exceeds the 1 GiB limit")
        guard let base = text.baseAddress, text.count > 0 else {
            return try body(UnsafeBufferPointer(start: nil, count: 0))
        }
        var count: Int32 = 0
        var status: Int32 = 0
        let flags = (trimSpace ? Int32(CICU_SEGMENT_TRIM_SPACE) : 0)
            | (asciiFastPath ? 0 : Int32(CICU_SEGMENT_NO_ASCII_FAST_PATH))
        guard let ranges = cicu_breaker_segment(breaker, base, Int32(text.count), flags, &count, &status) else {
            // Only memory exhaustion or an ICU internal failure get here.
            fatalError("ICU segmentation failed with status \(status)")
        }
        return try body(UnsafeBufferPointer(start: ranges, count: 2 * Int(count)))
    }

    /// Convenience: the segments of `text` as byte ranges.
    func ranges(of text: UnsafeBufferPointer<UInt8>, trimSpace: Bool) -> [Range<Int>] {
        withSegments(of: text, trimSpace: trimSpace) { pairs in
            stride(from: 0, to: pairs.count, by: 2).map { Int(pairs[$0])..<Int(pairs[$0 + 1]) }
        }
    }

    /// Benchmark baseline: sets UTF-16 `text` on the iterator and counts its boundaries.
    func countBoundaries(utf16 text: UnsafeBufferPointer<UInt16>) -> Int {
        var status: Int32 = 0
        let n = cicu_breaker_count_boundaries(breaker, text.baseAddress, Int32(text.count), &status)
        precondition(n >= 0, "ICU boundary iteration failed with status \(status)")
        return Int(n)
    }
}
