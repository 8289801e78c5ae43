import Foundation

/// What the pictures (`AttentionHeatmap`, `ContributionPicture`, `GradientFlowPicture`) share: the
/// document around them, XML escaping, numbers
/// written independently of locale, label shortening and a text-width estimate.
enum SVG {
    /// The font size the width estimate is for, in pixels.
    static let fontSize = 12.0
    /// Labels longer than this are shortened with "…".
    static let longestLabel = 24

    /// A token as shown beside a picture: at most `longestLabel` characters.
    static func label(_ token: String) -> String {
        token.count <= longestLabel ? token : String(token.prefix(longestLabel - 1)) + "…"
    }

    /// A rough width in pixels at `fontSize`: 0.6 em per character, 1 em for wide (CJK, emoji) ones.
    static func estimatedWidth(_ text: String) -> Double {
        text.reduce(0) { width, character in
            let wide = character.unicodeScalars.first.map { $0.value >= 0x1100 } ?? false
            return width + (wide ? 1.0 : 0.6) * fontSize
        }
    }

    /// `value` with exactly `decimals` decimals ("12.5", "0.042", "-0.100"), independent of locale.
    static func number(_ value: Double, _ decimals: Int) -> String {
        var scale = 1
        for _ in 0..<decimals { scale *= 10 }
        guard abs(value) * Double(scale) < 1e15 else { return "\(value)" }  // a weight far outside [0, 1]
        let scaled = Int((abs(value) * Double(scale)).rounded())
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(scaled) }
        let fraction = String(scaled % scale)
        return sign + String(scaled / scale) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// A standalone SVG document of `width` × `height` pixels (rounded up): a white background, the
    /// title in bold at the top left (`margin` in, `titleSize` pixels high), `defs` (a `<defs>`
    /// element and its line break, or nothing), then `body`, which ends with a line break.
    static func document(width: Double, height: Double, title: String, margin: Double, titleSize: Double,
                         defs: String = "", body: String) -> String {
        let (w, h) = (number(width.rounded(.up), 0), number(height.rounded(.up), 0))
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(w)" height="\(h)" viewBox="0 0 \(w) \(h)" \
            font-family="sans-serif" font-size="\(number(fontSize, 0))">
            \(defs)<rect class="background" width="100%" height="100%" fill="#ffffff"/>
            <text class="title" x="\(number(margin, 1))" y="\(number(margin + titleSize, 1))" \
            font-size="\(number(titleSize, 0))" font-weight="bold">\(escaped(title))</text>
            \(body)</svg>

            """
    }

    /// `value` in scientific notation with one decimal ("3.2e-9", "1.0e0"); "nan", "inf" as such.
    static func scientific(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        guard value != 0 else { return "0" }
        var exponent = Int(Foundation.log10(abs(value)).rounded(.down))
        var mantissa = value / Double("1e\(exponent)")!
        if abs(mantissa) >= 9.95 { mantissa /= 10; exponent += 1 }   // 9.96e2 would print as 10.0e2
        return number(mantissa, 1) + "e\(exponent)"
    }

    /// `text` as XML character data or attribute value; characters XML 1.0 does not allow
    /// (control characters other than TAB, LF and CR, U+FFFE, U+FFFF) become U+FFFD.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `#rrggbb` of the colour `t` of the way from white to `dark` (t clamped to [0, 1]).
    static func shade(_ t: Double, towards dark: (red: Double, green: Double, blue: Double)) -> String {
        let t = min(max(t, 0), 1)
        func channel(_ dark: Double) -> String {
            let value = Int((255 + (dark - 255) * t).rounded())
            return (value < 16 ? "0" : "") + String(value, radix: 16)
        }
        return "#" + channel(dark.red) + channel(dark.green) + channel(dark.blue)
    }
}
