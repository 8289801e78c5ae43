/// sacreBLEU's default BLEU tokenizer "13a", the tokenization of WMT's `mteval-v13a.pl`, reproduced
/// from sacreBLEU 2.x (`tokenizers/tokenizer_13a.py` and `tokenizers/tokenizer_re.py`) scalar for
/// scalar. On a segment it does, in order:
///
///  1. remove every `<skipped>`; join lines split after a hyphen (`-\n` is deleted); every other
///     `\n` becomes a space;
///  2. if the segment contains `&`: `&quot;` → `"`, then `&amp;` → `&`, then `&lt;` → `<`, then
///     `&gt;` → `>` (one after the other, so `&amp;lt;` ends as `<`; nothing else is unescaped);
///  3. pad with one space on each side, then apply four regular-expression substitutions:
///
///         ([\{-\~\[-\` -\&\(-\+\:-\@\/])  →  " \1 "     ASCII punctuation and symbols except ' , - .
///         ([^0-9])([\.,])                 →  "\1 \2 "   period or comma after a non-digit
///         ([\.,])([^0-9])                 →  " \1 \2"   period or comma before a non-digit
///         ([0-9])(-)                      →  "\1 \2 "   dash after a digit
///
///     (`[0-9]` is ASCII only, so `3,5` and `1.000` stay whole but `٣.٥` is split);
///  4. split on Python whitespace (`str.split()`, which includes U+00A0, U+3000 and U+0085 but not
///     U+200B) and join with single spaces.
///
/// sacreBLEU's BLEU applies it to `segment.rstrip()` (see `BLEUScore`), so a hyphen at the very end
/// of a segment stays. Text is handled as Unicode scalars (Python code points): canonically
/// equivalent spellings such as precomposed and decomposed umlauts give different tokens, as in
/// sacreBLEU.
public struct BLEUTokenizer13a: Sendable {
    public init() {}

    /// The tokens joined by single spaces: the string sacreBLEU's `Tokenizer13a()(line)` returns.
    public func callAsFunction(_ line: String) -> String {
        tokens(line).joined(separator: " ")
    }

    /// The tokens of `line`.
    public func tokens(_ line: String) -> [String] {
        scalarTokens(Array(line.unicodeScalars)).map { token in
            var text = String.UnicodeScalarView()
            text.append(contentsOf: token)
            return String(text)
        }
    }

    /// The tokens of `line` as scalar sequences, the form the metrics count n-grams over.
    func scalarTokens(_ line: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        PythonText.split(substituted(unescaped(line)))
    }

    /// Steps 1 and 2.
    private func unescaped(_ line: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var s = PythonText.replace(Self.skipped, with: [], in: line)
        s = PythonText.replace(["-", "\n"], with: [], in: s)
        s = PythonText.replace(["\n"], with: [" "], in: s)
        if s.contains("&") {
            for (entity, character) in Self.entities {
                s = PythonText.replace(entity, with: [character], in: s)
            }
        }
        return s
    }

    /// Step 3. Each rule is a fixed two-scalar (or one-scalar) pattern, so Python's `re.sub` (leftmost
    /// match, scanning on after it, no overlaps) is a left-to-right scan that skips both scalars of
    /// a match.
    private func substituted(_ line: [Unicode.Scalar]) -> [Unicode.Scalar] {
        let space: Unicode.Scalar = " "
        var s: [Unicode.Scalar] = [space]
        s.reserveCapacity(2 * line.count + 2)
        for scalar in line {
            if Self.isSeparatedSymbol(scalar) {
                s.append(contentsOf: [space, scalar, space])
            } else {
                s.append(scalar)
            }
        }
        s.append(space)

        let digit = PythonText.isASCIIDigit
        func isPeriodOrComma(_ c: Unicode.Scalar) -> Bool { c == "." || c == "," }
        // ([^0-9])([\.,]) -> "\1 \2 "
        s = Self.substitute(s) { a, b in !digit(a) && isPeriodOrComma(b) ? [a, space, b, space] : nil }
        // ([\.,])([^0-9]) -> " \1 \2"
        s = Self.substitute(s) { a, b in isPeriodOrComma(a) && !digit(b) ? [space, a, space, b] : nil }
        // ([0-9])(-) -> "\1 \2 "
        s = Self.substitute(s) { a, b in digit(a) && b == "-" ? [a, space, b, space] : nil }
        return s
    }

    /// `re.sub` of a two-scalar pattern: `replacement(a, b)` is nil where the pattern does not match.
    private static func substitute(
        _ s: [Unicode.Scalar], _ replacement: (Unicode.Scalar, Unicode.Scalar) -> [Unicode.Scalar]?
    ) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(s.count + s.count / 2)
        var i = 0
        while i < s.count {
            if i + 1 < s.count, let replaced = replacement(s[i], s[i + 1]) {
                result.append(contentsOf: replaced)
                i += 2
            } else {
                result.append(s[i])
                i += 1
            }
        }
        return result
    }

    /// `[\{-\~\[-\` -\&\(-\+\:-\@\/]`: `{ | } ~`, ``[ \ ] ^ _ ` ``, space `! " # $ % &`, `( ) * +`,
    /// `: ; < = > ? @` and `/`. Not `'`, `,`, `-`, `.`, digits or letters.
    private static func isSeparatedSymbol(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x7B...0x7E, 0x5B...0x60, 0x20...0x26, 0x28...0x2B, 0x3A...0x40, 0x2F: return true
        default: return false
        }
    }

    private static let skipped = Array("<skipped>".unicodeScalars)
    private static let entities: [([Unicode.Scalar], Unicode.Scalar)] = [
        (Array("&quot;".unicodeScalars), "\""),
        (Array("&amp;".unicodeScalars), "&"),
        (Array("&lt;".unicodeScalars), "<"),
        (Array("&gt;".unicodeScalars), ">"),
    ]
}
