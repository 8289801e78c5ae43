import Tensor

/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay:
/// PyTorch's `torch.optim.SGD` with `dampening = 0`, `maximize = False`.
///
///     g ← ∇θ + λ θ                                   (weight decay λ, if λ ≠ 0)
///     b ← g on the first step, else μ b + g            (momentum μ, if μ ≠ 0)
///     g ← g + μ b  (Nesterov)   or   g ← b             (if μ ≠ 0)
///     θ ← θ − η g
///
/// State per parameter: `momentum_buffer` (only when μ ≠ 0).
public struct SGD<Scalar: TensorScalar>: Optimizer {
    public var learningRate: Double
    public let momentum: Double
    public let nesterov: Bool
    public var weightDecay: Double
    public var state: OptimizerState<Scalar>

    public init(learningRate: Double, momentum: Double = 0, nesterov: Bool = false, weightDecay: Double = 0) {
        precondition(learningRate >= 0, "learning rate \(learningRate) is negative")
        precondition(momentum >= 0, "momentum \(momentum) is negative")
        precondition(weightDecay >= 0, "weight decay \(weightDecay) is negative")
        precondition(!nesterov || momentum > 0, "Nesterov momentum needs a momentum > 0")
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        self.state = OptimizerState(slotNames: momentum != 0 ? ["momentum_buffer"] : [])
    }

    @inlinable
    public func applySingle(
        value: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeBufferPointer<Scalar>,
        slots: UnsafeMutableBufferPointer<Scalar>, step: Int
    ) {
        let n = value.count
        guard n > 0 else { return }
        let lambda = Scalar(weightDecay), mu = Scalar(momentum), negativeEta = Scalar(-learningRate)
        let p = value.baseAddress!, g = gradient.baseAddress!
        // (n) momentum buffer when μ ≠ 0 (without momentum no slot exists and b is never used)
        let b = slots.isEmpty ? p : slots.baseAddress!

        // One loop body with the options as constants: each call below is a branch-free loop
        // that vectorises. Rounding as PyTorch's kernels: `add(x, alpha=a)` is one fused x·a + self,
        // `mul_` then `add_` round twice.
        @inline(__always)
        func update(decay: Bool, momentum: Bool, first: Bool, nesterov: Bool) {
            for i in 0..<n {
                var d = g[i]
                if decay { d = fusedMultiplyAdd(p[i], lambda, d) }
                if momentum {
                    let bi = first ? d : b[i] * mu + d
                    b[i] = bi
                    d = nesterov ? fusedMultiplyAdd(bi, mu, d) : bi
                }
                p[i] = fusedMultiplyAdd(d, negativeEta, p[i])
            }
        }
        let decay = weightDecay != 0
        switch (momentum != 0, step == 1, nesterov) {
        case (false, _, _):
            decay ? update(decay: true, momentum: false, first: false, nesterov: false)
                  : update(decay: false, momentum: false, first: false, nesterov: false)
        case (true, true, false):
            decay ? update(decay: true, momentum: true, first: true, nesterov: false)
                  : update(decay: false, momentum: true, first: true, nesterov: false)
        case (true, true, true):
            decay ? update(decay: true, momentum: true, first: true, nesterov: true)
                  : update(decay: false, momentum: true, first: true, nesterov: true)
        case (true, false, false):
            decay ? update(decay: true, momentum: true, first: false, nesterov: false)
                  : update(decay: false, momentum: true, first: false, nesterov: false)
        case (true, false, true):
            decay ? update(decay: true, momentum: true, first: false, nesterov: true)
                  : update(decay: false, momentum: true, first: false, nesterov: true)
        }
    }
}
