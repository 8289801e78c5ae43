import ArgumentParser
import Tokenize

/// Tokenizer options shared by `nlp tokenize` and `nlp vocab build`.
struct TokenizerOptions: ParsableArguments {
    /// Unicode normalization forms accepted by `--normalize`.
    enum Normalization: String, CaseIterable, ExpressibleByArgument {
        case nfc, nfkc
    }

    @Option(help: ArgumentHelp(
        "ICU locale for word breaking and lowercasing (en, de, fr, tr, th, ja, zh, ...).",
        valueName: "locale"))
    var locale = "en"

    @Flag(help: "Lowercase each token (locale-sensitive: with --locale tr, I becomes ı and İ becomes i).")
    var lower = false

    @Flag(name: .customLong("case-fold"),
          help: "Apply full Unicode case folding to each token, for caseless matching (Straße becomes strasse).")
    var caseFold = false

    @Option(help: ArgumentHelp(
        "Unicode-normalize each token: nfc (compose accents) or nfkc (also fold compatibility forms: ﬁ becomes fi).",
        valueName: "form"))
    var normalize: Normalization?

    func validate() throws {
        if lower && caseFold {
            throw ValidationError("--lower and --case-fold cannot be combined; choose one.")
        }
        if locale.isEmpty || locale.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7F }) {
            throw ValidationError("--locale must be an ICU locale identifier such as en, de_CH or tr; got '\(locale)'.")
        }
    }

    /// The normalizer the options describe.
    var normalizer: TextNormalizer {
        let form: TextNormalizer.Form
        switch normalize {
        case .none: form = .none
        case .nfc?: form = .nfc
        case .nfkc?: form = .nfkc
        }
        let caseMapping: TextNormalizer.CaseMapping = lower ? .lowercase : caseFold ? .fold : .none
        return TextNormalizer(form: form, caseMapping: caseMapping, locale: locale)
    }

    /// A word tokenizer configured by the options.
    func makeTokenizer() throws -> ICUWordTokenizer {
        try ICUWordTokenizer(locale: locale, normalizer: normalizer)
    }
}
