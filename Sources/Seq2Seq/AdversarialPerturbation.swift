import Tensor

/// Adversarial training on the token vectors (Goodfellow et al. 2015; Miyato et al. 2017,
/// "Adversarial training methods for semi-supervised text classification"): the network is also
/// trained on its input moved a small step ε in the direction that raises the loss most, to first
/// order, so that its decision does not hinge on small changes of the vectors.
///
///     g_b   = ∂L/∂x_b                        x_b: the token vectors of sequence b (its real steps)
///     r_b   = ε · g_b / ‖g_b‖₂               (zero where g_b = 0)
///     L_adv = L(x' + r; θ)                   r held constant: no gradient flows through it
///
/// and training minimises L + L_adv. The norm is taken over a whole sequence (all its steps and
/// columns), as Miyato et al. do, so ε bounds how far the sentence as a whole moves. x' is x itself
/// in their method; `SequenceClassifier.trainingPass` uses another dropout sample of the same batch.
/// (They also normalise the embeddings, so that ε has a fixed scale; here the vectors are used as
/// they are, and ε is relative to their size.)
public struct AdversarialPerturbation: Sendable {
    /// ε, the L2 norm of each sequence's perturbation; 0 turns adversarial training off.
    public let epsilon: Double

    public init(epsilon: Double) {
        precondition(epsilon >= 0 && epsilon.isFinite, "adversarial ε \(epsilon) is not a finite number ≥ 0")
        self.epsilon = epsilon
    }

    /// ∂L/∂x (T·B, D), time-major rows of right-padded sequences with `lengths` (B) → r (T·B, D):
    /// each sequence's rows of the gradient scaled to norm ε; padded rows are zero.
    public func callAsFunction<Scalar: TensorScalar>(inputGradient g: Matrix<Scalar>, lengths: [Int]) -> Matrix<Scalar> {
        let B = lengths.count, D = g.cols
        precondition(B > 0 && g.rows % B == 0, "\(g.rows) rows are not T·B for a batch of \(B)")
        var r = Matrix<Scalar>(rows: g.rows, cols: D)
        for b in 0..<B {
            var squares = 0.0
            for t in 0..<lengths[b] { for j in 0..<D { let v = Double(g[t * B + b, j]); squares += v * v } }
            guard squares > 0 else { continue }
            let scale = Scalar(epsilon / squares.squareRoot())
            for t in 0..<lengths[b] { for j in 0..<D { r[t * B + b, j] = g[t * B + b, j] * scale } }
        }
        return r
    }
}
