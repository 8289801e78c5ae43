/// An SVG picture of a translation's attention: which source tokens each target token looked at.
///
/// Rows are target tokens (labelled on the left, top to bottom), columns are source tokens
/// (labelled under the grid, rotated 45°); the square at row *i*, column *j* is shaded by
/// `weights[i][j]`, white for 0 to dark blue for 1, and carries a tooltip (`<title>`) with both
/// tokens and the weight to three decimals. A title sits above the grid and a colour scale from 0
/// to 1 to its right.
///
/// ```swift
/// let svg = try AttentionHeatmap(sourceTokens: ["a", "dog"], targetTokens: ["ein", "Hund"],
///                                weights: [[0.9, 0.1], [0.2, 0.8]]).svg()
/// try svg.write(toFile: "attention.svg", atomically: true, encoding: .utf8)
/// ```
///
/// Tokens and the title are escaped for XML (`&`, `<`, `>`, quotes); characters XML 1.0 does not
/// allow (control characters other than TAB, LF and CR, U+FFFE, U+FFFF) become U+FFFD. Labels
/// longer than 24 characters are shortened with "…" (the tooltips keep the whole token). Weights
/// outside [0, 1] (a softmax's rounding, say) are shaded as the nearest end of the scale; the
/// tooltip shows them as they are. The output depends only on the input.
public struct AttentionHeatmap: Equatable, Sendable {
    /// Inputs that cannot be drawn.
    public enum InputError: Error, Equatable, Sendable, CustomStringConvertible {
        case noSourceTokens
        case noTargetTokens
        /// `weights` has `rows` rows for `targetTokens` target tokens.
        case rowCount(rows: Int, targetTokens: Int)
        /// Row `row` (0-based) has `count` weights for `sourceTokens` source tokens.
        case rowLength(row: Int, count: Int, sourceTokens: Int)
        /// `weights[row][column]` (0-based) is NaN or infinite.
        case nonFiniteWeight(row: Int, column: Int)

        public var description: String {
            switch self {
            case .noSourceTokens: return "attention heatmap: no source tokens"
            case .noTargetTokens: return "attention heatmap: no target tokens"
            case let .rowCount(rows, targetTokens):
                return "attention heatmap: \(rows) rows of weights for \(targetTokens) target tokens (one row per target token)"
            case let .rowLength(row, count, sourceTokens):
                return "attention heatmap: row \(row) has \(count) weights for \(sourceTokens) source tokens (one per source token)"
            case let .nonFiniteWeight(row, column):
                return "attention heatmap: the weight at row \(row), column \(column) is not a finite number"
            }
        }
    }

    public let sourceTokens: [String]
    public let targetTokens: [String]
    /// One row per target token, one weight per source token in each row.
    public let weights: [[Float]]
    /// The text above the grid.
    public var title: String

    /// Checks the shapes: at least one token on each side, `weights` of `targetTokens.count` rows
    /// of `sourceTokens.count` finite numbers.
    public init(sourceTokens: [String], targetTokens: [String], weights: [[Float]], title: String = "Attention") throws(InputError) {
        guard !sourceTokens.isEmpty else { throw .noSourceTokens }
        guard !targetTokens.isEmpty else { throw .noTargetTokens }
        guard weights.count == targetTokens.count else { throw .rowCount(rows: weights.count, targetTokens: targetTokens.count) }
        for (row, values) in weights.enumerated() {
            guard values.count == sourceTokens.count else {
                throw .rowLength(row: row, count: values.count, sourceTokens: sourceTokens.count)
            }
            if let column = values.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteWeight(row: row, column: column) }
        }
        self.sourceTokens = sourceTokens
        self.targetTokens = targetTokens
        self.weights = weights
        self.title = title
    }

    // Layout, in pixels.
    private static let cell = 28.0
    private static let titleSize = 15.0
    private static let margin = 10.0
    private static let labelGap = 6.0
    private static let legendWidth = 12.0
    /// The colour of weight 1 (weight 0 is white).
    private static let dark = (red: 8.0, green: 48.0, blue: 107.0)

    /// The picture as a standalone SVG document.
    public func svg() -> String {
        let cell = Self.cell, columns = Double(sourceTokens.count), rows = Double(targetTokens.count)
        let sourceLabels = sourceTokens.map(SVG.label), targetLabels = targetTokens.map(SVG.label)
        let diagonal = 0.5.squareRoot()   // cos 45° = sin 45°
        let sourceExtent = (sourceLabels.map(SVG.estimatedWidth).max() ?? 0) * diagonal
        let targetWidth = targetLabels.map(SVG.estimatedWidth).max() ?? 0
        // The first source label reaches left of its column by its rotated width.
        let gridX = Self.margin + max(targetWidth + Self.labelGap, sourceExtent - cell / 2)
        let gridY = Self.margin + Self.titleSize + 14
        let gridWidth = columns * cell, gridHeight = rows * cell
        let legendX = gridX + gridWidth + 16
        let titleWidth = SVG.estimatedWidth(title) * Self.titleSize / SVG.fontSize
        let width = max(legendX + Self.legendWidth + Self.labelGap + SVG.estimatedWidth("0") + Self.margin,
                        Self.margin + titleWidth + Self.margin)
        let height = gridY + gridHeight + Self.labelGap + sourceExtent + SVG.fontSize + Self.margin
        let defs = "<defs><linearGradient id=\"attention-scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">"
            + "<stop offset=\"0\" stop-color=\"#ffffff\"/><stop offset=\"1\" stop-color=\"\(Self.colour(1))\"/></linearGradient></defs>\n"
        var svg = "<g class=\"cells\" stroke=\"#d0d0d0\" stroke-width=\"0.5\">\n"
        for (row, values) in weights.enumerated() {
            let y = SVG.number(gridY + Double(row) * cell, 1)
            for (column, weight) in values.enumerated() {
                let x = SVG.number(gridX + Double(column) * cell, 1)
                let tip = SVG.escaped("\(sourceTokens[column]) → \(targetTokens[row]): \(SVG.number(Double(weight), 3))")
                svg += "<rect class=\"cell\" x=\"\(x)\" y=\"\(y)\" width=\"\(SVG.number(cell, 0))\" height=\"\(SVG.number(cell, 0))\" "
                    + "fill=\"\(Self.colour(weight))\"><title>\(tip)</title></rect>\n"
            }
        }
        svg += "</g>\n<g class=\"target-labels\" text-anchor=\"end\">\n"
        for (row, label) in targetLabels.enumerated() {
            let y = SVG.number(gridY + (Double(row) + 0.5) * cell, 1)
            svg += "<text x=\"\(SVG.number(gridX - Self.labelGap, 1))\" y=\"\(y)\" dy=\"0.35em\">\(SVG.escaped(label))</text>\n"
        }
        svg += "</g>\n<g class=\"source-labels\" text-anchor=\"end\">\n"
        for (column, label) in sourceLabels.enumerated() {
            let x = SVG.number(gridX + (Double(column) + 0.5) * cell, 1)
            let y = SVG.number(gridY + gridHeight + Self.labelGap, 1)
            svg += "<text x=\"\(x)\" y=\"\(y)\" dy=\"0.7em\" transform=\"rotate(-45 \(x) \(y))\">\(SVG.escaped(label))</text>\n"
        }
        let legendTextX = SVG.number(legendX + Self.legendWidth + 4, 1)
        svg += """
            </g>
            <g class="legend">
            <rect x="\(SVG.number(legendX, 1))" y="\(SVG.number(gridY, 1))" width="\(SVG.number(Self.legendWidth, 0))" \
            height="\(SVG.number(gridHeight, 0))" fill="url(#attention-scale)" stroke="#d0d0d0" stroke-width="0.5"/>
            <text x="\(legendTextX)" y="\(SVG.number(gridY, 1))" dy="0.7em">1</text>
            <text x="\(legendTextX)" y="\(SVG.number(gridY + gridHeight, 1))">0</text>
            </g>

            """
        return SVG.document(width: width, height: height, title: title, margin: Self.margin, titleSize: Self.titleSize,
                            defs: defs, body: svg)
    }

    // MARK: - Helpers

    /// The shade of a weight: white (0) to `dark` (1), as `#rrggbb`.
    private static func colour(_ weight: Float) -> String { SVG.shade(Double(weight), towards: dark) }
}
