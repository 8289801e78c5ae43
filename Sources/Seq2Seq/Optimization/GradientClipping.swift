import Tensor

/// Scales all gradients together so that their global L2 norm is at most `maxNorm`; returns the
/// norm before clipping. PyTorch's `clip_grad_norm_` (norm type 2):
///
///     ‖g‖ = √(Σ_parameters Σ_i g_i²)
///     c   = maxNorm / (‖g‖ + 10⁻⁶)
///     g  ← c · g     only if c < 1
///
/// The sum of squares is accumulated in Double. A non-finite norm (an overflow or NaN somewhere)
/// leaves the gradients untouched, where PyTorch would spread the NaN into every gradient: check
/// `isFinite` on the result to skip such a step.
@discardableResult
@inlinable
public func clipGradientNorm<Scalar: TensorScalar>(_ parameters: [Parameter<Scalar>], maxNorm: Scalar) -> Scalar {
    precondition(maxNorm >= 0, "max norm \(maxNorm) is negative")
    var sumOfSquares = 0.0
    for parameter in parameters {
        parameter.gradient.storage.withUnsafeBufferPointer { g in
            var sum = 0.0
            for x in g { let d = Double(x); sum += d * d }
            sumOfSquares += sum
        }
    }
    let norm = Scalar(sumOfSquares.squareRoot())
    guard norm.isFinite else { return norm }
    let coefficient = maxNorm / (norm + Scalar(1e-6))
    if coefficient < 1 {
        for parameter in parameters {
            parameter.gradient.storage.withUnsafeMutableBufferPointer { g in
                for i in 0..<g.count { g[i] *= coefficient }
            }
        }
    }
    return norm
}
