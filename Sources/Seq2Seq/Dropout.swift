import Tensor

/// Inverted dropout: in training each entry is kept with probability 1 − p and scaled by 1/(1 − p),
/// so inference is the identity.
///
///     y = x ⊙ m,   m_i = [u_i ≥ p] / (1 − p),   u_i ~ U(0, 1)        ∂x = ∂y ⊙ m
public struct Dropout: Sendable {
    public let rate: Double

    public init(rate: Double) {
        precondition(rate >= 0 && rate < 1, "dropout rate \(rate) outside [0, 1)")
        self.rate = rate
    }

    /// Returns the output and the mask backward needs (nil when nothing was dropped).
    public func forward<Scalar: TensorScalar>(
        _ input: Matrix<Scalar>, training: Bool, generator: inout SeededGenerator
    ) -> (output: Matrix<Scalar>, mask: Matrix<Scalar>?) {
        guard training, rate > 0 else { return (input, nil) }
        let scale = Scalar(1 / (1 - rate))
        var mask = Matrix<Scalar>(uninitializedRows: input.rows, cols: input.cols)
        var output = input
        mask.storage.withUnsafeMutableBufferPointer { m in
            output.storage.withUnsafeMutableBufferPointer { y in
                for i in 0..<m.count {   // one draw per entry, in order: masks depend only on the generator
                    let keep: Scalar = generator.nextUnit() >= rate ? scale : 0
                    m[i] = keep
                    y[i] *= keep
                }
            }
        }
        return (output, mask)
    }

    public func backward<Scalar: TensorScalar>(_ outputGradient: Matrix<Scalar>, mask: Matrix<Scalar>?) -> Matrix<Scalar> {
        guard let mask else { return outputGradient }
        var gradient = outputGradient
        gradient.storage.withUnsafeMutableBufferPointer { g in
            mask.storage.withUnsafeBufferPointer { m in
                for i in 0..<g.count { g[i] *= m[i] }
            }
        }
        return gradient
    }
}
