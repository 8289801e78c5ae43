import RealModule
import Tensor

/// Softmax cross-entropy on logits, fused with its gradient (numerically stable: log-sum-exp with
/// the row maximum subtracted). PyTorch's `F.cross_entropy` with `ignore_index`, `label_smoothing`
/// and `reduction` 'sum' or 'mean':
///
///     p = softmax(z)          q = (1 − ε) · onehot(y) + ε / V
///     ℓ = −Σ_v q_v log p_v     ∂ℓ/∂z = p − q
///
/// Rows whose target is `ignoredTarget` (padding) add nothing to the loss or the gradient. With
/// `.mean` the loss and gradient are divided by the number of counted rows.
public struct SoftmaxCrossEntropy: Sendable {
    public enum Reduction: String, Sendable { case sum, mean }

    public var labelSmoothing: Double
    public var reduction: Reduction
    public var ignoredTarget: Int

    public init(labelSmoothing: Double = 0, reduction: Reduction = .mean, ignoredTarget: Int = -1) {
        precondition(labelSmoothing >= 0 && labelSmoothing < 1, "label smoothing outside [0, 1)")
        self.labelSmoothing = labelSmoothing
        self.reduction = reduction
        self.ignoredTarget = ignoredTarget
    }

    /// logits (N, V), targets (N) → loss and ∂loss/∂logits (N, V).
    public func callAsFunction<Scalar: TensorScalar>(
        logits: Matrix<Scalar>, targets: [Int]
    ) -> (loss: Scalar, logitsGradient: Matrix<Scalar>) {
        let (N, V) = (logits.rows, logits.cols)
        precondition(targets.count == N, "\(targets.count) targets for \(N) rows")
        let counted = targets.reduce(0) { $0 + ($1 == ignoredTarget ? 0 : 1) }
        let scale: Scalar = reduction == .mean ? 1 / Scalar(Swift.max(counted, 1)) : 1
        let smoothing = Scalar(labelSmoothing), uniform = Scalar(labelSmoothing) / Scalar(V)
        var gradient = Matrix<Scalar>(rows: N, cols: V)
        var rowLosses = [Scalar](repeating: 0, count: N)
        logits.storage.withUnsafeBufferPointer { z in
        gradient.storage.withUnsafeMutableBufferPointer { g in
        rowLosses.withUnsafeMutableBufferPointer { losses in
            let (zBase, gBase, lossBase) = (z.baseAddress!, g.baseAddress!, losses.baseAddress!)
            Parallel.forEachChunk(N, minimumPerThread: Swift.max(1, 16384 / V)) { rows in
                for row in rows where targets[row] != ignoredTarget {
                    let target = targets[row]
                    precondition(target >= 0 && target < V, "target \(target) outside 0..<\(V)")
                    let zr = zBase + row * V, gr = gBase + row * V
                    var maximum = zr[0]
                    for v in 1..<V where zr[v] > maximum { maximum = zr[v] }
                    // Relaxed sums may be reassociated, so these reductions vectorise.
                    var total: Scalar = 0, sumLogits: Scalar = 0
                    for v in 0..<V {
                        let e = Scalar.exponential(zr[v] - maximum)
                        gr[v] = e
                        total = Relaxed.sum(total, e)
                        sumLogits = Relaxed.sum(sumLogits, zr[v])
                    }
                    // ℓ = −Σ q_v (z_v − logΣ) = logΣ − (1−ε) z_y − (ε/V) Σ z_v
                    lossBase[row] = Scalar.log(total) + maximum - (1 - smoothing) * zr[target] - uniform * sumLogits
                    let inverse = scale / total, shift = uniform * scale
                    for v in 0..<V { gr[v] = gr[v] * inverse - shift }
                    gr[target] -= (1 - smoothing) * scale
                }
            }
        }}}
        let loss = rowLosses.reduce(0, +)
        return (loss * scale, gradient)
    }
}
