import Tokenize

/// Splits normalized text into tokens: ICU word breaking for the locale (the default), or plain
/// whitespace splitting for text that is tokenized already.
///
/// The stage carries the normalization it applies to each token, so `callAsFunction` is
/// normalize-then-tokenize in one pass over the text.
public struct TokenizeStage: PipelineStage {
    public enum Method: String, Codable, CaseIterable, Sendable {
        /// ICU's word break rules (UAX #29 with dictionaries) for `normalize.locale`.
        case icu
        /// Split on runs of spaces and tabs only.
        case whitespace
    }

    public var method: Method
    public var normalize: NormalizeStage
    /// Split English clitics off as the Penn Treebank does (`don't` → `do n't`, `it's` → `it 's`,
    /// `we'll` → `we 'll`), as SST, CoNLL and GloVe's corpora are tokenized.
    public var splitContractions: Bool

    public init(method: Method = .icu, normalize: NormalizeStage = NormalizeStage(), splitContractions: Bool = false) {
        self.method = method
        self.normalize = normalize
        self.splitContractions = splitContractions
    }

    /// Throws unless ICU can break text for the locale (a model file may name any locale).
    func checkUsable(modelPath: String) throws {
        do {
            _ = try ICUWordTokenizer(locale: normalize.locale)
        } catch {
            throw DataError(path: modelPath, "the model's tokenizer locale '\(normalize.locale)' is not usable: \(error)")
        }
    }

    /// The tokens of `text`, normalized.
    public func callAsFunction(_ text: String) -> [String] { tokens(of: text).map(\.text) }

    /// The tokens of `text` with their UTF-8 byte ranges in `text`.
    public func tokens(of text: String) -> [Token] {
        let tokens = unsplitTokens(of: text)
        return splitContractions ? Self.joinDetachedClitics(tokens.flatMap(Self.splitContraction)) : tokens
    }

    /// Word breaking leaves a clitic written apart (`it 's`) as `'` and `s`: join them back.
    static func joinDetachedClitics(_ tokens: [Token]) -> [Token] {
        var result: [Token] = []
        result.reserveCapacity(tokens.count)
        for token in tokens {
            if let last = result.last, last.text == "'" || last.text == "\u{2019}", last.range.upperBound == token.range.lowerBound,
               clitics.contains("'" + token.text.lowercased()) {
                result[result.count - 1] = Token(text: "'" + token.text, range: last.range.lowerBound..<token.range.upperBound)
            } else {
                result.append(token)
            }
        }
        return result
    }

    /// English clitics, longest first; `’` is matched as `'`.
    static let clitics = ["n't", "'ll", "'re", "'ve", "'s", "'d", "'m"]

    /// `don't` → `do`, `n't` (ranges split accordingly); other tokens unchanged.
    static func splitContraction(_ token: Token) -> [Token] {
        let text = token.text.replacingOccurrences(of: "\u{2019}", with: "'")
        let lowered = text.lowercased()
        for clitic in clitics where lowered.hasSuffix(clitic) && lowered.count > clitic.count {
            let stemCount = text.count - clitic.count
            let stem = String(text.prefix(stemCount)), suffix = String(text.suffix(clitic.count))
            // The clitic's bytes in the original: the original token may use ’ (3 bytes) for '.
            let suffixBytes = token.text.suffix(clitic.count).utf8.count
            let split = token.range.upperBound - suffixBytes
            return [Token(text: stem, range: token.range.lowerBound..<split), Token(text: suffix, range: split..<token.range.upperBound)]
        }
        return [token]
    }

    private func unsplitTokens(of text: String) -> [Token] {
        switch method {
        case .icu:
            return TokenizerCache.tokenizer(locale: normalize.locale, normalizer: normalize.normalizer).tokenize(text)
        case .whitespace:
            var tokens: [Token] = []
            var start: Int?
            let normalizer = normalize.normalizer
            let bytes = Array(text.utf8)
            for index in 0...bytes.count {
                let isSpace = index == bytes.count || bytes[index] == 0x20 || bytes[index] == 0x09
                if isSpace, let first = start {
                    let word = String(decoding: bytes[first..<index], as: UTF8.self)
                    tokens.append(Token(text: normalizer.apply(word), range: first..<index))
                    start = nil
                } else if !isSpace, start == nil {
                    start = index
                }
            }
            return tokens
        }
    }
}
