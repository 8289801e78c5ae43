import Foundation
import Seq2Seq

/// An SVG line chart of ‖∂L/∂h_t‖ against the step t (`GradientFlow`), one line per series (a cell
/// kind), on a logarithmic vertical axis with a grid line per power of ten. The legend gives each
/// series' ratio ‖∂L/∂h_0‖ / ‖∂L/∂h_{T−1}‖ (or only its label). Norms of 0 (underflow) are drawn on
/// the bottom edge, infinite ones (overflow) on the top. A dashed `bound` line marks a threshold
/// (the clipping norm when the series are gradient norms by batch). Charts can be stacked in one
/// document (`stacked`). The output depends only on the input.
public struct GradientFlowPicture: Sendable {
    public struct Series: Sendable {
        public let label: String
        /// ‖∂L/∂h_t‖ for t = 0…T−1.
        public let norms: [Double]

        public init(label: String, norms: [Double]) {
            self.label = label
            self.norms = norms
        }
    }

    public let series: [Series]
    public var title: String
    /// Under the horizontal axis.
    public var axisLabel = "step t (the loss is on the last step)"
    /// Ticks and legend count steps back from the last (…, 2, 1, 0) instead of from the first.
    public var countsFromTheEnd = false
    /// Beside the vertical axis.
    public var verticalLabel = "‖∂L/∂h_t‖"
    /// The legend gives each series' first-to-last ratio; false: its label only.
    public var ratioInLegend = true
    /// A dashed horizontal line at this value, labelled `boundLabel`.
    public var bound: Double?
    public var boundLabel = ""

    public init(series: [Series], title: String) {
        precondition(!series.isEmpty && series.allSatisfy { $0.norms.count >= 2 }, "each series needs two steps or more")
        self.series = series
        self.title = title
    }

    // Layout, in pixels.
    private static let plotWidth = 560.0
    private static let plotHeight = 320.0
    private static let left = 70.0
    private static let margin = 14.0
    private static let titleSize = 15.0
    private static let colours = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e"]

    /// The powers of ten at the bottom and top of the vertical axis.
    var decades: ClosedRange<Int> {
        let positive = (series.flatMap(\.norms) + [bound].compactMap { $0 }).filter { $0 > 0 && $0.isFinite }
        guard let low = positive.min(), let high = positive.max() else { return -1...1 }
        let bottom = Int((log10(low) + 1e-9).rounded(.down)), top = Int((log10(high) - 1e-9).rounded(.up))
        return bottom...max(top, bottom + 1)
    }

    /// The picture as a standalone SVG document.
    public func svg() -> String {
        let chart = chart(top: Self.margin + Self.titleSize + 14)
        return SVG.document(width: chart.width, height: chart.bottom + Self.margin, title: title, margin: Self.margin,
                            titleSize: Self.titleSize, body: chart.body)
    }

    /// Charts one under the other in one document titled `title`, each under its own title.
    public static func stacked(_ pictures: [GradientFlowPicture], title: String) -> String {
        var body = "", width = 0.0, top = margin + titleSize + 8
        for picture in pictures {
            body += "<text class=\"subtitle\" x=\"\(SVG.number(margin, 1))\" y=\"\(SVG.number(top + 14, 1))\" "
                + "font-weight=\"bold\">\(SVG.escaped(picture.title))</text>\n"
            let chart = picture.chart(top: top + 28)
            body += chart.body
            width = max(width, chart.width)
            top = chart.bottom + 10
        }
        return SVG.document(width: width, height: top + margin, title: title, margin: margin, titleSize: titleSize, body: body)
    }

    /// The chart's elements with the plot's top edge at `top`; its width and the bottom of its axis label.
    func chart(top: Double) -> (body: String, width: Double, bottom: Double) {
        let decades = self.decades
        let steps = series.map(\.norms.count).max()!
        let (x0, y0) = (Self.left, top)
        func x(_ t: Int) -> Double { x0 + Self.plotWidth * Double(t) / Double(steps - 1) }
        func y(_ norm: Double) -> Double {
            let position = norm > 0 && norm.isFinite ? log10(norm) : Double(norm > 0 ? decades.upperBound : decades.lowerBound)
            let share = (position - Double(decades.lowerBound)) / Double(decades.upperBound - decades.lowerBound)
            return y0 + Self.plotHeight * (1 - min(max(share, 0), 1))
        }
        var body = ""
        // Grid: a line per power of ten (labelled 1e-k), ticks every fifth step.
        let gridEvery = max(1, (decades.count + 9) / 10)
        for decade in decades where (decade - decades.lowerBound) % gridEvery == 0 {
            let gy = SVG.number(y(pow10(decade)), 1)
            body += "<line x1=\"\(SVG.number(x0, 1))\" y1=\"\(gy)\" x2=\"\(SVG.number(x0 + Self.plotWidth, 1))\" y2=\"\(gy)\" "
                + "stroke=\"#e0e0e0\"/><text x=\"\(SVG.number(x0 - 6, 1))\" y=\"\(gy)\" dy=\"0.35em\" text-anchor=\"end\">1e\(decade)</text>\n"
        }
        let tickEvery = max(1, ((steps - 1) / 10 + 4) / 5 * 5)
        let ticks = countsFromTheEnd ? stride(from: steps - 1, through: 0, by: -tickEvery).map { $0 } : Array(stride(from: 0, to: steps, by: tickEvery))
        for t in ticks {
            let tx = SVG.number(x(t), 1), bottom = y0 + Self.plotHeight
            body += "<line x1=\"\(tx)\" y1=\"\(SVG.number(bottom, 1))\" x2=\"\(tx)\" y2=\"\(SVG.number(bottom + 4, 1))\" stroke=\"#000000\"/>"
                + "<text x=\"\(tx)\" y=\"\(SVG.number(bottom + 8, 1))\" dy=\"0.7em\" text-anchor=\"middle\">\(countsFromTheEnd ? steps - 1 - t : t)</text>\n"
        }
        body += "<rect x=\"\(SVG.number(x0, 1))\" y=\"\(SVG.number(y0, 1))\" width=\"\(SVG.number(Self.plotWidth, 0))\" "
            + "height=\"\(SVG.number(Self.plotHeight, 0))\" fill=\"none\" stroke=\"#000000\"/>\n"
        body += "<text x=\"\(SVG.number(x0 + Self.plotWidth / 2, 1))\" y=\"\(SVG.number(y0 + Self.plotHeight + 34, 1))\" "
            + "text-anchor=\"middle\">\(SVG.escaped(axisLabel))</text>\n"
        body += "<text transform=\"translate(16 \(SVG.number(y0 + Self.plotHeight / 2, 1))) rotate(-90)\" "
            + "text-anchor=\"middle\">\(SVG.escaped(verticalLabel))</text>\n"
        if let bound {
            let by = SVG.number(y(bound), 1)
            body += "<line class=\"bound\" x1=\"\(SVG.number(x0, 1))\" y1=\"\(by)\" x2=\"\(SVG.number(x0 + Self.plotWidth, 1))\" "
                + "y2=\"\(by)\" stroke=\"#000000\" stroke-dasharray=\"6 4\"/><text x=\"\(SVG.number(x0 + Self.plotWidth - 4, 1))\" "
                + "y=\"\(by)\" dy=\"-0.4em\" text-anchor=\"end\">\(SVG.escaped(boundLabel))</text>\n"
        }
        // The series, and the legend to the right of the plot.
        var legendWidth = 0.0
        for (index, line) in series.enumerated() {
            let colour = Self.colours[index % Self.colours.count]
            let points = line.norms.enumerated().map { "\(SVG.number(x($0), 1)),\(SVG.number(y($1), 1))" }
            body += "<polyline class=\"series\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\">"
                + "<title>\(SVG.escaped(line.label))</title></polyline>\n"
            let ratio = SVG.scientific(GradientFlow.ratio(line.norms))
            let entry = !ratioInLegend ? line.label : countsFromTheEnd
                ? "\(line.label): \(line.norms.count - 1) steps back / at the end = \(ratio)"
                : "\(line.label): ‖∂L/∂h_0‖ / ‖∂L/∂h_\(line.norms.count - 1)‖ = \(ratio)"
            let ly = y0 + 8 + Double(index) * 20
            body += "<line x1=\"\(SVG.number(x0 + Self.plotWidth + 14, 1))\" y1=\"\(SVG.number(ly, 1))\" "
                + "x2=\"\(SVG.number(x0 + Self.plotWidth + 34, 1))\" y2=\"\(SVG.number(ly, 1))\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
                + "<text class=\"legend\" x=\"\(SVG.number(x0 + Self.plotWidth + 40, 1))\" y=\"\(SVG.number(ly, 1))\" dy=\"0.35em\">"
                + "\(SVG.escaped(entry))</text>\n"
            legendWidth = max(legendWidth, 40 + SVG.estimatedWidth(entry))
        }
        return (body, x0 + Self.plotWidth + legendWidth + Self.margin, y0 + Self.plotHeight + 44)
    }

    private func pow10(_ exponent: Int) -> Double { Double("1e\(exponent)")! }
    private func log10(_ value: Double) -> Double { Foundation.log10(value) }
}
