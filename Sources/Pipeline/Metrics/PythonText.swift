/// The few pieces of Python's `str` semantics that sacreBLEU's metrics depend on, on Unicode scalars
/// (Python strings are sequences of code points; Swift `String` equality is canonical equivalence,
/// under which precomposed "ü" equals "u" + U+0308, so the metrics never compare `String`s).
enum PythonText {
    /// `str.isspace()`: the 29 code points Python (3.x, every Unicode version since 6.3) treats as
    /// whitespace in `split()` and `rstrip()`: ASCII `\t \n \v \f \r` and space, the separators
    /// U+001C-U+001F, U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F and
    /// U+3000. Not U+200B (zero width space) nor U+FEFF.
    @inline(__always)
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x80 { return (0x09...0x0D).contains(v) || (0x1C...0x20).contains(v) }
        switch v {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// ASCII `0-9`, the regular-expression class `[0-9]` (not Python's Unicode `\d`).
    @inline(__always)
    static func isASCIIDigit(_ scalar: Unicode.Scalar) -> Bool {
        (0x30...0x39).contains(scalar.value)
    }

    /// `str.split()` without arguments: maximal runs of non-whitespace.
    static func split(_ scalars: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        var words: [ArraySlice<Unicode.Scalar>] = []
        var start: Int? = nil
        for (i, scalar) in scalars.enumerated() {
            if isWhitespace(scalar) {
                if let s = start { words.append(scalars[s..<i]); start = nil }
            } else if start == nil {
                start = i
            }
        }
        if let s = start { words.append(scalars[s...]) }
        return words
    }

    /// `''.join(line.split())`: the scalars without any whitespace.
    static func removingWhitespace(_ scalars: some Sequence<Unicode.Scalar>) -> [Unicode.Scalar] {
        scalars.filter { !isWhitespace($0) }
    }

    /// `str.rstrip()` without arguments.
    static func rstrip(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var end = scalars.count
        while end > 0, isWhitespace(scalars[end - 1]) { end -= 1 }
        return Array(scalars[..<end])
    }

    /// `str.replace(old, new)`: every non-overlapping occurrence, scanning from the left.
    static func replace(_ old: [Unicode.Scalar], with new: [Unicode.Scalar], in scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        precondition(!old.isEmpty)
        guard scalars.count >= old.count else { return scalars }
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(scalars.count)
        var i = 0
        let last = scalars.count - old.count
        while i < scalars.count {
            if i <= last, scalars[i] == old[0], scalars[i..<(i + old.count)].elementsEqual(old) {
                result.append(contentsOf: new)
                i += old.count
            } else {
                result.append(scalars[i])
                i += 1
            }
        }
        return result
    }
}
