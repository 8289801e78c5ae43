import RealModule
import Tensor

/// Binary cross-entropy on logits, PyTorch's `F.binary_cross_entropy_with_logits`:
///
///     ℓ = −[y log σ(z) + (1 − y) log(1 − σ(z))] = max(z, 0) − z y + log(1 + e^{−|z|})
///     ∂ℓ/∂z = σ(z) − y
///
/// Targets are probabilities in [0, 1], one per logit; `.mean` averages over all logits.
public struct BinaryCrossEntropy: Sendable {
    public var reduction: SoftmaxCrossEntropy.Reduction

    public init(reduction: SoftmaxCrossEntropy.Reduction = .mean) { self.reduction = reduction }

    public func callAsFunction<Scalar: TensorScalar>(
        logits: Matrix<Scalar>, targets: Matrix<Scalar>
    ) -> (loss: Scalar, logitsGradient: Matrix<Scalar>) {
        precondition(logits.count == targets.count, "\(targets.count) targets for \(logits.count) logits")
        let scale: Scalar = reduction == .mean ? 1 / Scalar(Swift.max(logits.count, 1)) : 1
        var gradient = Matrix<Scalar>(rows: logits.rows, cols: logits.cols)
        var loss: Scalar = 0
        for i in 0..<logits.count {
            let z = logits.storage[i], y = targets.storage[i]
            loss += Swift.max(z, 0) - z * y + Scalar.log(1 + Scalar.exponential(-abs(z)))
            gradient.storage[i] = (1 / (1 + Scalar.exponential(-z)) - y) * scale
        }
        return (loss * scale, gradient)
    }
}
