/// What `--gradient-report` records over an epoch of training (`Trainer.onGradientReport`).
public struct EpochGradients: Sendable {
    public var epoch: Int
    /// Mean ‖∂L/∂h‖ of the first recurrent layer by steps before the end of the sequences: entry d
    /// over the batches that reach d steps back (`TrainableModel.recurrentGradientNorms`).
    public var recurrentNorms: [Double] { zip(recurrentSums, recurrentCounts).map { $0 / Double($1) } }
    /// ‖g‖, the global L2 norm of the parameters' gradient, of each batch before clipping.
    public var gradientNorms: [Double] = []
    /// Batches run since the epoch began (or since resuming it).
    public var batches: Int { gradientNorms.count }
    /// The epoch stopped early because its loss was no longer finite.
    public var diverged = false

    public init(epoch: Int) { self.epoch = epoch }

    /// Adds a batch's norms.
    mutating func add(recurrent norms: [Double]?, gradientNorm: Double) {
        gradientNorms.append(gradientNorm)
        guard let norms else { return }
        if norms.count > recurrentSums.count {
            recurrentSums += [Double](repeating: 0, count: norms.count - recurrentSums.count)
            recurrentCounts += [Int](repeating: 0, count: norms.count - recurrentCounts.count)
        }
        for (d, norm) in norms.enumerated() {
            recurrentSums[d] += norm
            recurrentCounts[d] += 1
        }
    }

    private var recurrentSums: [Double] = []
    private var recurrentCounts: [Int] = []

    /// The median of the gradient norms (NaN when there are none).
    public var medianGradientNorm: Double {
        let sorted = gradientNorms.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// The largest gradient norm (NaN when there are none, or when one was not finite).
    public var maximumGradientNorm: Double {
        gradientNorms.contains { !$0.isFinite } ? .nan : (gradientNorms.max() ?? .nan)
    }

    /// The share of batches whose gradient was above `bound` (and so scaled down to it).
    public func clippedFraction(at bound: Double) -> Double {
        batches == 0 ? 0 : Double(gradientNorms.filter { !($0 <= bound) }.count) / Double(batches)
    }

    /// One line: "‖g‖ median 2.31, max 8.7e+03, 41% of batches clipped at 5.0" (or "no clipping").
    public func summary(clipNorm: Double?) -> String {
        "‖g‖ median \(SVG.scientific(medianGradientNorm)), max \(SVG.scientific(maximumGradientNorm)), "
            + (clipNorm.map { String(format: "%.0f%% of batches clipped at %g", 100 * clippedFraction(at: $0), $0) } ?? "no clipping")
            + (diverged ? ", diverged" : "")
    }
}
