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
        var loss: Scalar = 0
        logits.storage.withUnsafeBufferPointer { z in
            gradient.storage.withUnsafeMutableBufferPointer { g in
                for row in 0..<N where targets[row] != ignoredTarget {
                    let target = targets[row]
                    precondition(target >= 0 && target < V, "target \(target) outside 0..<\(V)")
                    let zr = z.baseAddress! + row * V, gr = g.baseAddress! + row * V
                    var maximum = zr[0]
                    for v in 1..<V { maximum = Swift.max(maximum, zr[v]) }
                    var total: Scalar = 0
                    for v in 0..<V {
                        let e = Scalar.exponential(zr[v] - maximum)
                        gr[v] = e
                        total += e
                    }
                    let logTotal = Scalar.log(total) + maximum
                    // ℓ = −Σ q_v (z_v − logΣ) = logΣ − (1−ε) z_y − (ε/V) Σ z_v
                    var sumLogits: Scalar = 0
                    for v in 0..<V { sumLogits += zr[v] }
                    loss += logTotal - (1 - smoothing) * zr[target] - uniform * sumLogits
                    let inverse = 1 / total
                    for v in 0..<V { gr[v] = (gr[v] * inverse - uniform) * scale }
                    gr[target] -= (1 - smoothing) * scale
                }
            }
        }
        return (loss * scale, gradient)
    }
}
