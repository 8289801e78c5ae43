import CICU

/// Unicode normalization and case mapping of token text, done by ICU.
///
/// The steps run in this order: normalize to `form`, map case, and normalize again when both are
/// on (case mapping can leave text unnormalized). Lowercasing is locale-sensitive: under `tr` or
/// `az`, `I` lowercases to dotless `ı` and `İ` to `i`; elsewhere `İ` becomes `i̇` (i + U+0307).
/// Case folding is ICU's full default folding (`Straße` → `strasse`) and ignores the locale.
///
/// Tokenizers apply the normalizer to each token's text after breaking the ORIGINAL text, so token
/// offsets always point into the original bytes. Pure-ASCII tokens take a fast path that never
/// leaves Swift (ASCII is already NFC/NFKC; its lowercase is plain ASCII except under `tr`/`az`,
/// also spelled `tur`/`aze`).
public struct TextNormalizer: Hashable, Sendable {
    /// Unicode normalization form.
    public enum Form: String, CaseIterable, Codable, Hashable, Sendable {
        /// Leave the text as it is.
        case none
        /// Canonical composition (`e` + U+0301 → `é`).
        case nfc
        /// Compatibility composition: also folds ligatures, full-width forms, superscripts
        /// (`ﬁ` → `fi`, `Ａ` → `A`, `²` → `2`).
        case nfkc
    }

    /// Case mapping.
    public enum CaseMapping: String, CaseIterable, Codable, Hashable, Sendable {
        /// Keep case.
        case none
        /// Locale-sensitive full lowercasing (`u_strToLower`).
        case lowercase
        /// Full case folding for caseless matching (`u_strFoldCase`): `ß` → `ss`, `ς` → `σ`.
        case fold
    }

    public var form: Form
    public var caseMapping: CaseMapping
    /// ICU locale identifier used for lowercasing, e.g. `en`, `de`, `tr`.
    public var locale: String

    public init(form: Form = .none, caseMapping: CaseMapping = .none, locale: String = "en") {
        self.form = form
        self.caseMapping = caseMapping
        self.locale = locale
    }

    /// True when the normalizer changes nothing.
    public var isIdentity: Bool { form == .none && caseMapping == .none }

    /// Whether ASCII lowercasing differs from plain A-Z → a-z (Turkish and Azerbaijani dotless i).
    private var asciiLowercaseIsLocaleSensitive: Bool {
        let language = locale.prefix { $0 != "_" && $0 != "-" && $0 != "@" }.lowercased()
        // ICU applies the Turkic rules for the 3-letter codes too (`tur`, `aze`).
        return language == "tr" || language == "az" || language == "tur" || language == "aze"
    }

    /// Returns `text` normalized.
    public func apply(_ text: String) -> String {
        if isIdentity { return text }
        var text = text
        var out: [UInt8] = []
        text.withUTF8 { append($0, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the normalized form of the UTF-8 bytes `text` to `out`. This is the fast path used
    /// by the tokenizers: no `String` is created.
    public func append(_ text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        if isIdentity {
            out.append(contentsOf: text)
            return
        }
        var ascii = true
        for byte in text where byte >= 0x80 {
            ascii = false
            break
        }
        if ascii && (caseMapping == .fold || (caseMapping == .lowercase && !asciiLowercaseIsLocaleSensitive)) {
            for byte in text {
                out.append(byte &- 0x41 < 26 ? byte | 0x20 : byte)
            }
            return
        }
        if ascii && caseMapping == .none {
            out.append(contentsOf: text)
            return
        }
        transformWithICU(text, to: &out)
    }

    private func transformWithICU(_ text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let norm: Int32
        switch form {
        case .none: norm = Int32(CICU_NORM_NONE)
        case .nfc: norm = Int32(CICU_NORM_NFC)
        case .nfkc: norm = Int32(CICU_NORM_NFKC)
        }
        let caseop: Int32
        switch caseMapping {
        case .none: caseop = Int32(CICU_CASE_NONE)
        case .lowercase: caseop = Int32(CICU_CASE_LOWER)
        case .fold: caseop = Int32(CICU_CASE_FOLD)
        }
        // Expansion is rare and bounded (NFKC of U+FDFA is 18 code points); retry once if needed.
        // The shim takes Int32 sizes: clamp the first guess, and on overflow it reports the
        // required length (ICU preflighting), which the second attempt uses.
        precondition(text.count <= Int(Int32.max), "token of \(text.count) bytes is too long for ICU")
        var capacity = min(3 * text.count + 16, Int(Int32.max))
        for _ in 0..<2 {
            let written: Int32 = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
                var status: Int32 = 0
                let n = locale.withCString { loc in
                    cicu_transform(norm, caseop, loc, text.baseAddress, Int32(text.count),
                                   buffer.baseAddress, Int32(capacity), &status)
                }
                precondition(n >= 0, "ICU normalization failed with status \(status)")
                if Int(n) <= capacity {
                    out.append(contentsOf: UnsafeBufferPointer(start: buffer.baseAddress, count: Int(n)))
                }
                return n
            }
            if Int(written) <= capacity { return }
            capacity = Int(written)
        }
        preconditionFailure("ICU normalization output kept growing")
    }
}
