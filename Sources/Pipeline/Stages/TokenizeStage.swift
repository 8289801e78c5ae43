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

    public init(method: Method = .icu, normalize: NormalizeStage = NormalizeStage()) {
        self.method = method
        self.normalize = normalize
    }

    /// The tokens of `text`, normalized.
    public func callAsFunction(_ text: String) -> [String] { tokens(of: text).map(\.text) }

    /// The tokens of `text` with their UTF-8 byte ranges in `text`.
    public func tokens(of text: String) -> [Token] {
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
