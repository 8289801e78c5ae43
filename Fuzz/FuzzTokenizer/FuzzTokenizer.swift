import CICU
import Foundation
import FuzzSupport
import Tokenize

/// Locales of different break rules and dictionaries; a first byte of 0x80 or more takes the
/// locale from the input instead.
private let locales = ["en", "de", "tr", "sv", "fi", "en_US_POSIX", "th", "ja", "zh", "km", "ar", "", "root",
                      "de@ss=standard", "xx_YY", "en@lb=strict"]

/// The fuzzed function for the tokenizer and its C shim over ICU: the first byte picks the locale
/// (or takes one from the input) and the normalizer; the rest is UTF-8, valid or not.
/// - `cicu_utf8_find_invalid` finds an ill-formed sequence exactly when Swift's validation does, and
///   the bytes before it are valid;
/// - word tokens are non-empty, in order, non-overlapping and inside the input, begin and end with
///   no whitespace, and are the same with and without the ASCII fast path; of valid UTF-8 without
///   normalization a token's text is its bytes;
/// - the normalizer's output is in the form it asks for, and its byte and string paths agree;
/// - sentences are non-empty, in order, non-overlapping and inside the input.
/// (Exported as `LLVMFuzzerTestOneInput`, which the fuzzer runtime links against.)
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenizer(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let (choice, rest) = FuzzInput(bytes, count).choiceAndRest
    var text = rest, locale = locales[choice % locales.count]
    if choice >= 0x80 {
        let cut = rest.firstIndex(of: 0x0A) ?? min(rest.count, 40)
        locale = String(decoding: rest[..<cut].filter { $0 != 0 }, as: UTF8.self)
        text = Array(rest[min(cut + 1, rest.count)...])
    }
    let forms = TextNormalizer.Form.allCases, mappings = TextNormalizer.CaseMapping.allCases
    let normalizer = TextNormalizer(form: forms[choice / 16 % forms.count], caseMapping: mappings[choice / 48 % mappings.count],
                                    locale: locale)
    let valid = String(validating: text, as: UTF8.self)

    let invalidAt = text.withUnsafeBufferPointer { cicu_utf8_find_invalid($0.baseAddress, Int64($0.count)) }
    precondition((invalidAt < 0) == (valid != nil), "cicu_utf8_find_invalid says \(invalidAt), Swift \(valid != nil)")
    if invalidAt >= 0 {
        precondition(Int(invalidAt) < text.count && String(validating: text[..<Int(invalidAt)], as: UTF8.self) != nil,
                     "the bytes before the invalid sequence at \(invalidAt) are not valid")
    }

    guard let (fast, plain, splitter) = breakers(locale) else { return 0 }
    text.withUnsafeBufferPointer { utf8 in
        let tokens = fast.tokenize(utf8: utf8)
        precondition(tokens.map(\.range) == plain.tokenize(utf8: utf8).map(\.range), "the ASCII fast path broke words differently")
        var previousEnd = 0
        for token in tokens {
            precondition(!token.range.isEmpty && token.range.lowerBound >= previousEnd && token.range.upperBound <= utf8.count,
                         "token \(token) after byte \(previousEnd) of \(utf8.count)")
            previousEnd = token.range.upperBound
            guard valid != nil else { continue }
            precondition(token.text == String(decoding: UnsafeBufferPointer(rebasing: utf8[token.range]), as: UTF8.self),
                         "token text \(token.text.debugDescription) is not its bytes")
            let scalars = token.text.unicodeScalars
            precondition(!isSpace(scalars.first!) && !isSpace(scalars.last!), "token \(token.text.debugDescription) has spaces at an end")
        }
        if let splitter {
            var previousEnd = 0
            for range in splitter.sentenceRanges(in: utf8) {
                precondition(!range.isEmpty && range.lowerBound >= previousEnd && range.upperBound <= utf8.count,
                             "sentence \(range) after byte \(previousEnd) of \(utf8.count)")
                previousEnd = range.upperBound
            }
        }
    }

    if let valid {
        let normalized = normalizer.apply(valid)
        var appended: [UInt8] = []
        text.withUnsafeBufferPointer { normalizer.append($0, to: &appended) }
        precondition(Array(normalized.utf8) == appended, "apply and append disagree")
        let formOnly = TextNormalizer(form: normalizer.form, caseMapping: .none, locale: locale)
        precondition(Array(formOnly.apply(normalized).utf8) == appended, "the output is not in form \(normalizer.form)")
    }
    return 0
}

/// The tokenizers with and without the ASCII fast path and the sentence splitter of `locale`, or nil
/// when ICU refuses the locale; kept for the fixed locales (opening one probes ICU's rules).
private func breakers(_ locale: String) -> (ICUWordTokenizer, ICUWordTokenizer, SentenceSplitter?)? {
    if let kept = openedBreakers[locale] { return kept }
    guard let fast = try? ICUWordTokenizer(locale: locale), let plain = try? ICUWordTokenizer(locale: locale, asciiFastPath: false)
    else { return nil }
    let opened = (fast, plain, try? SentenceSplitter(locale: locale))
    if locales.contains(locale) { openedBreakers[locale] = opened }
    return opened
}

nonisolated(unsafe) private var openedBreakers: [String: (ICUWordTokenizer, ICUWordTokenizer, SentenceSplitter?)] = [:]

/// What the tokenizer trims from tokens: Unicode White_Space, U+200B, U+2060 and U+FEFF.
private func isSpace(_ scalar: Unicode.Scalar) -> Bool {
    scalar.properties.isWhitespace || [0x200B, 0x2060, 0xFEFF].contains(scalar.value)
}

/// The executable's entry: libFuzzer on `fuzzTokenizer`.
@_cdecl("FuzzTokenizer_main")
func fuzzTokenizerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzzTokenizer)
}
