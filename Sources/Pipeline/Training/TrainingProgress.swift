import Foundation

/// Progress of a long run on standard error: a redrawn progress bar with loss, tokens per second
/// and the time left when stderr is a terminal; a plain line every `lineInterval` seconds when it
/// is not (a log file, CI); nothing but errors when quiet. Epoch summaries are always lines.
public final class TrainingProgress {
    public enum Style: Sendable { case bar, lines, quiet }

    public let style: Style
    public let lineInterval: Double
    private var lastDraw = 0.0
    private var barVisible = false

    /// `style` nil: a bar on a terminal, lines otherwise.
    public init(style: Style? = nil, lineInterval: Double = 30) {
        self.style = style ?? (isatty(2) != 0 ? .bar : .lines)
        self.lineInterval = lineInterval
    }

    /// After each batch. `epochSeconds` is the time spent in this epoch so far.
    func batchFinished(epoch: Int, epochs: Int, batch: Int, batches: Int, loss: Double, tokensPerSecond: Double,
                       epochSeconds: Double) {
        guard style != .quiet else { return }
        let now = Date().timeIntervalSince1970
        let done = Double(batch) / Double(max(batches, 1))
        let epochEstimate = done > 0 ? epochSeconds / done : 0
        let left = epochEstimate - epochSeconds
        // Early stopping may end the run sooner: the whole run's estimate is an upper bound.
        let allLeft = left + Double(epochs - epoch) * epochEstimate
        switch style {
        case .bar:
            guard now - lastDraw >= 0.1 || batch == batches else { return }
            let width = 24, filled = Int(done * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            write("\r\u{1B}[Kepoch \(epoch)/\(epochs) [\(bar)] \(Int(done * 100))% loss \(format(loss, 4)) "
                  + "\(Int(tokensPerSecond)) tok/s ETA \(Self.clock(left)) (all epochs \(Self.clock(allLeft)))")
            barVisible = true
        case .lines:
            guard now - lastDraw >= lineInterval else { return }
            write("epoch \(epoch)/\(epochs) batch \(batch)/\(batches) loss \(format(loss, 4)) "
                  + "\(Int(tokensPerSecond)) tok/s, epoch ends in \(Self.clock(left)), all epochs in at most \(Self.clock(allLeft))\n")
        case .quiet:
            return
        }
        lastDraw = now
    }

    /// A line that stays (epoch summaries, notices); clears the bar first.
    public func line(_ text: String) {
        guard style != .quiet else { return }
        if barVisible {
            write("\r\u{1B}[K")
            barVisible = false
        }
        write(text + "\n")
        // A bar is redrawn at once below the line; periodic lines wait a full interval.
        lastDraw = style == .bar ? 0 : Date().timeIntervalSince1970
    }

    /// `m:ss` or `h:mm:ss`.
    static func clock(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded()))
        let (h, m, r) = (s / 3600, s / 60 % 60, s % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, r) : String(format: "%d:%02d", m, r)
    }

    private func format(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

    private func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = Foundation.write(2, bytes.baseAddress, bytes.count) }
    }
}
