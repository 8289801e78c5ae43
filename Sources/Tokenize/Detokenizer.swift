/// Joins tokens back into natural text, so that a translated token sequence prints as a sentence.
///
/// Spacing rules (the usual ones for English and German; `fr` adds French typography):
/// - no space before closing punctuation `. , ; : ! ? % … ) ] }` (and Arabic `، ؛ ؟`);
///   in French, `; : ! ?` and `»` get a space before them and `«` a space after it;
/// - no space after opening brackets `( [ {`, `¿ ¡` and the prefixes `$ £ # @`;
/// - no space before an English clitic split off the Penn Treebank way (`do n't`, `i 'm`);
/// - no space around `-`, `/` and around `:` between numbers (`e-mail`, `and/or`, `10:30`);
/// - quotes pair up: an opening quote sticks to the next token and its closing quote to the
///   previous one; the pairs are `"…"`, `'…'`, `“…”`, `„…“`, `‚…‘`, `‘…’`, `«…»`, `»…«`, `‹…›`, `›…‹`;
///   a closing `’`/`”` without an opener, or a `'` right after a word ending in `s` with no `'`
///   open (`the dogs' bowls`), attaches to the previous token;
/// - no space between two tokens of scripts written without spaces (Chinese, Japanese, Thai, Lao,
///   Khmer, Burmese) or next to CJK punctuation (`。、「」`, full-width forms).
///
/// For ordinary sentences `detokenize(tokenize(s)) == s`. Spacing the rules cannot know (a spaced
/// hyphen `a - b`, spaces between Thai phrases) is not restored.
public struct Detokenizer: Hashable, Sendable {
    /// The locale; French (`fr`, `fr_CA`, ...) switches on French spacing.
    public var locale: String

    public init(locale: String = "en") {
        self.locale = locale
    }

    private var french: Bool {
        locale.prefix { $0 != "_" && $0 != "-" && $0 != "@" }.lowercased() == "fr"
    }

    /// Joins the texts of `tokens`.
    public func detokenize(_ tokens: [Token]) -> String {
        detokenize(tokens.map(\.text))
    }

    /// Joins `tokens` into text.
    public func detokenize(_ tokens: [String]) -> String {
        var result = ""
        result.reserveCapacity(tokens.reduce(0) { $0 + $1.utf8.count + 1 })
        var openQuotes: [String] = []
        var glueNext = true  // no space before the first token
        for (i, token) in tokens.enumerated() where !token.isEmpty {
            var spaceBefore = !glueNext
            glueNext = false
            let previous = i > 0 ? tokens[i - 1] : ""
            let next = i + 1 < tokens.count ? tokens[i + 1] : ""

            if let closers = openQuotes.last.flatMap({ Self.quotePairs[$0] }), closers.contains(token) {
                openQuotes.removeLast()
                spaceBefore = spaceBefore && french && token == "»"
            } else if Self.quotePairs[token] != nil
                        && !(token == "'" && !openQuotes.contains("'") && previous.last.map { $0 == "s" || $0 == "S" } == true) {
                openQuotes.append(token)
                glueNext = !(french && token == "«")
            } else if token == "’" || token == "”" || token == "'" {
                spaceBefore = false
            } else if i > 0, Self.clitics.contains(token.lowercased().replacingOccurrences(of: "’", with: "'")) {
                spaceBefore = false
            } else if Self.joiners.contains(token) || (token == ":" && Self.isNumber(previous) && Self.isNumber(next)) {
                spaceBefore = false
                glueNext = true
            } else if Self.closingPunctuation.contains(token) {
                spaceBefore = spaceBefore && french && Self.frenchSpacedPunctuation.contains(token)
            } else if Self.openingPunctuation.contains(token) {
                glueNext = true
            }
            if spaceBefore, let last = previous.unicodeScalars.last, let first = token.unicodeScalars.first {
                if Self.isCJKPunctuation(last) || Self.isCJKPunctuation(first)
                    || (Self.isWrittenWithoutSpaces(last) && Self.isWrittenWithoutSpaces(first)) {
                    spaceBefore = false
                }
            }
            if spaceBefore { result.append(" ") }
            result.append(token)
        }
        return result
    }

    /// English clitics split off the Penn Treebank way (`do n't`, `it 's`, `i 'm`): they join the
    /// word before them.
    private static let clitics: Set<String> = ["n't", "'s", "'m", "'re", "'ve", "'ll", "'d"]

    /// Opening quote → the quotes that close it.
    private static let quotePairs: [String: Set<String>] = [
        "\"": ["\""], "'": ["'"], "“": ["”"], "„": ["“", "”"], "‚": ["‘", "’"], "‘": ["’"],
        "«": ["»"], "»": ["«"], "‹": ["›"], "›": ["‹"],
    ]
    private static let closingPunctuation: Set<String> = [
        ".", ",", ";", ":", "!", "?", "%", "…", ")", "]", "}", "،", "؛", "؟", "‰",
    ]
    private static let frenchSpacedPunctuation: Set<String> = [";", ":", "!", "?"]
    private static let openingPunctuation: Set<String> = ["(", "[", "{", "¿", "¡", "$", "£", "#", "@"]
    private static let joiners: Set<String> = ["-", "/", "‐", "‑"]

    private static func isNumber(_ token: String) -> Bool {
        !token.isEmpty && token.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// Han, kana, Thai, Lao, Khmer, Burmese: scripts that do not put spaces between words.
    private static func isWrittenWithoutSpaces(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x0E00...0x0EFF, 0x1000...0x109F, 0x1780...0x17FF, 0x3040...0x30FF, 0x31F0...0x31FF,
             0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0xFF66...0xFF9F, 0x20000...0x3FFFF:
            return true
        default:
            return isCJKPunctuation(s)
        }
    }

    /// CJK symbols and punctuation (`。、「」`) and full-width punctuation (`！？，（）`).
    private static func isCJKPunctuation(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x3000...0x303F, 0xFF01...0xFF0F, 0xFF1A...0xFF20, 0xFF3B...0xFF40, 0xFF5B...0xFF65:
            return true
        default:
            return false
        }
    }
}
