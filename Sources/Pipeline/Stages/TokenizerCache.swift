import Foundation
import Tokenize

/// ICU tokenizers are costly to create (they open a break iterator and check the ASCII fast path)
/// and not thread-safe, so each thread keeps one per configuration.
enum TokenizerCache {
    private static let key = "nlp.Pipeline.TokenizerCache"

    private final class Box {
        var tokenizers: [String: ICUWordTokenizer] = [:]
    }

    static func tokenizer(locale: String, normalizer: TextNormalizer) -> ICUWordTokenizer {
        let box: Box
        if let existing = Thread.current.threadDictionary[key] as? Box {
            box = existing
        } else {
            box = Box()
            Thread.current.threadDictionary[key] = box
        }
        let name = "\(locale)|\(normalizer.form.rawValue)|\(normalizer.caseMapping.rawValue)"
        if let tokenizer = box.tokenizers[name] { return tokenizer }
        // The locale was validated when the pipeline was built or loaded (`validate()`).
        let tokenizer = try! ICUWordTokenizer(locale: locale, normalizer: normalizer)
        box.tokenizers[name] = tokenizer
        return tokenizer
    }
}
