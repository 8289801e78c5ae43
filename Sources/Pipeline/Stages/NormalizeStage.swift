import Tokenize

/// Unicode normalization and case mapping (ICU), applied to the text before tokenization.
///
/// The tokenizer applies the same normalizer token by token (so that token offsets point into the
/// original text); as a stage of its own it normalizes whole strings, e.g. for display.
public struct NormalizeStage: PipelineStage {
    public var form: TextNormalizer.Form
    public var caseMapping: TextNormalizer.CaseMapping
    public var locale: String

    public init(form: TextNormalizer.Form = .nfc, caseMapping: TextNormalizer.CaseMapping = .none, locale: String = "en") {
        self.form = form
        self.caseMapping = caseMapping
        self.locale = locale
    }

    public var normalizer: TextNormalizer { TextNormalizer(form: form, caseMapping: caseMapping, locale: locale) }

    public func callAsFunction(_ text: String) -> String { normalizer.apply(text) }
}
