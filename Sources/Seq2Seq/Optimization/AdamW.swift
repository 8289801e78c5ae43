import Tensor

/// Adam with decoupled weight decay (Loshchilov & Hutter): PyTorch's `torch.optim.AdamW`
/// (`amsgrad = False`, `maximize = False`), update for update.
///
///     θ ← θ (1 − η λ)                            (decay first, on the parameter, not the gradient)
///     m ← m + (1 − β₁)(∇θ − m)
///     v ← β₂ v + (1 − β₂) (∇θ)²
///     θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// PyTorch's default λ is 0.01. State per parameter: `exp_avg` (m), `exp_avg_sq` (v).
public struct AdamW<Scalar: TensorScalar>: Optimizer {
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    public var weightDecay: Double
    public var state: OptimizerState<Scalar>

    public init(
        learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
        weightDecay: Double = 1e-2
    ) {
        precondition(learningRate >= 0 && epsilon >= 0 && weightDecay >= 0,
                     "negative learning rate, epsilon or weight decay")
        precondition((0..<1).contains(beta1) && (0..<1).contains(beta2), "betas (\(beta1), \(beta2)) outside [0, 1)")
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.state = OptimizerState(slotNames: ["exp_avg", "exp_avg_sq"])
    }

    @inlinable
    public func applySingle(
        value: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeBufferPointer<Scalar>,
        slots: UnsafeMutableBufferPointer<Scalar>, step: Int
    ) {
        adamUpdate(value: value, gradient: gradient, slots: slots, step: step,
                   learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                   weightDecay: weightDecay, decoupled: true)
    }
}
