/// An SVG picture of what a classifier read: one row per text, its predicted label and
/// probability on the left, then its tokens, each on a box shaded by its contribution
/// (`TokenContributions`): blue for a token that speaks for the predicted label, red for one that
/// speaks against it, white for none. Full colour is the largest |contribution| in the picture
/// (at least 0.01), which the legend states; each box has a tooltip (`<title>`) with the token and
/// its contribution to three decimals. Tokens are escaped for XML and shortened beyond 24
/// characters, as in `AttentionHeatmap`. The output depends only on the input.
public struct ContributionPicture: Equatable, Sendable {
    public let rows: [TokenContributions]
    public var title: String

    public init(rows: [TokenContributions], title: String = "What the model reads (occlusion)") {
        self.rows = rows
        self.title = title
    }

    // Layout, in pixels.
    private static let rowHeight = 22.0
    private static let rowGap = 6.0
    private static let padding = 4.0
    private static let gap = 3.0
    private static let margin = 10.0
    private static let titleSize = 15.0
    private static let forColour = (red: 8.0, green: 48.0, blue: 107.0)
    private static let againstColour = (red: 165.0, green: 15.0, blue: 21.0)

    /// The contribution drawn in full colour.
    var fullScale: Double {
        max(0.01, rows.flatMap(\.contributions).map { abs($0) }.filter(\.isFinite).max() ?? 0)
    }

    /// The picture as a standalone SVG document.
    public func svg() -> String {
        let scale = fullScale
        let heads = rows.map { "\($0.classification.label) \(SVG.number($0.classification.probability, 3))" }
        let tokensX = Self.margin + (heads.map(SVG.estimatedWidth).max() ?? 0) + 12
        let top = Self.margin + Self.titleSize + 10
        var width = Self.margin + SVG.estimatedWidth(title) * Self.titleSize / SVG.fontSize + Self.margin
        var body = ""
        for (index, row) in rows.enumerated() {
            let y = top + Double(index) * (Self.rowHeight + Self.rowGap)
            let textY = SVG.number(y + Self.rowHeight / 2, 1)
            body += "<g class=\"row\">\n<text class=\"label\" x=\"\(SVG.number(Self.margin, 1))\" y=\"\(textY)\" dy=\"0.35em\" "
                + "font-weight=\"bold\">\(SVG.escaped(heads[index]))</text>\n"
            var x = tokensX
            for (token, contribution) in zip(row.tokens, row.contributions) {
                let label = SVG.label(token)
                let boxWidth = SVG.estimatedWidth(label) + 2 * Self.padding
                let share = contribution.isFinite ? contribution / scale : 0
                let fill = share >= 0 ? SVG.shade(share, towards: Self.forColour) : SVG.shade(-share, towards: Self.againstColour)
                let ink = abs(share) > 0.6 ? "#ffffff" : "#000000"
                let sign = contribution > 0 ? "+" : ""
                body += "<g class=\"token\"><title>\(SVG.escaped("\(token): \(sign)\(SVG.number(contribution, 3))"))</title>"
                    + "<rect x=\"\(SVG.number(x, 1))\" y=\"\(SVG.number(y, 1))\" width=\"\(SVG.number(boxWidth, 1))\" "
                    + "height=\"\(SVG.number(Self.rowHeight, 0))\" rx=\"3\" fill=\"\(fill)\" stroke=\"#d0d0d0\" stroke-width=\"0.5\"/>"
                    + "<text x=\"\(SVG.number(x + Self.padding, 1))\" y=\"\(textY)\" dy=\"0.35em\" fill=\"\(ink)\">\(SVG.escaped(label))</text></g>\n"
                x += boxWidth + Self.gap
            }
            body += "</g>\n"
            width = max(width, x + Self.margin)
        }
        let legendY = top + Double(rows.count) * (Self.rowHeight + Self.rowGap) + 4
        let legend = "blue: for the label shown, red: against; full colour: ±\(SVG.number(scale, 3)) in probability"
        width = max(width, Self.margin + SVG.estimatedWidth(legend) + Self.margin)
        let height = legendY + SVG.fontSize + Self.margin
        let legendLine = "<text class=\"legend\" x=\"\(SVG.number(Self.margin, 1))\" y=\"\(SVG.number(legendY, 1))\" dy=\"0.7em\" "
            + "fill=\"#555555\">\(SVG.escaped(legend))</text>\n"
        return SVG.document(width: width, height: height, title: title, margin: Self.margin, titleSize: Self.titleSize,
                            body: body + legendLine)
    }
}
