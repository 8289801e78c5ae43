/// One sentence's translations as `nlp translate --json` writes them and `nlp serve` returns them:
/// the source and its n-best translations (text, score, log-probability, pieces, alignments), the
/// numbers rounded to 4 decimals.
public struct TranslatedSentenceJSON: Encodable, Sendable {
    public var source: String
    public var translations: [Translation]

    public init(source: String, translations: [Translation]) {
        let rounded = { (x: Double) in (x * 1e4).rounded() / 1e4 }
        self.source = source
        self.translations = translations.map { translation in
            var copy = translation
            copy.score = rounded(copy.score)
            copy.logProbability = rounded(copy.logProbability)
            copy.alignments = copy.alignments.map { $0.map { ($0 * 1e4).rounded() / 1e4 } }
            return copy
        }
    }
}
