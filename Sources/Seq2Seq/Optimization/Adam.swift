import RealModule
import Tensor

/// Adam (Kingma & Ba) with L2 weight decay added to the gradient: PyTorch's `torch.optim.Adam`
/// (`amsgrad = False`, `maximize = False`), update for update.
///
///     g ← ∇θ + λ θ                              (weight decay λ, if λ ≠ 0)
///     m ← m + (1 − β₁)(g − m)                    (PyTorch's `lerp`)
///     v ← β₂ v + (1 − β₂) g²
///     θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// with t the parameter's step count; note ε is added after the bias correction of √v. For weight
/// decay decoupled from the gradient use `AdamW`. State per parameter: `exp_avg` (m), `exp_avg_sq` (v).
public struct Adam<Scalar: TensorScalar>: Optimizer {
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    public var weightDecay: Double
    public var state: OptimizerState<Scalar>

    public init(
        learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
        weightDecay: Double = 0
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
                   weightDecay: weightDecay, decoupled: false)
    }
}

/// The Adam/AdamW update of one parameter, in PyTorch's order of operations (`_single_tensor_adam`).
/// Coefficients are computed in Double (PyTorch computes them on Python floats) and rounded once.
///
/// `slots`: m (n scalars) then v (n scalars). `decoupled`: AdamW's θ ← θ (1 − η λ) before the
/// update instead of adding λ θ to the gradient.
@inlinable
func adamUpdate<Scalar: TensorScalar>(
    value: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeBufferPointer<Scalar>,
    slots: UnsafeMutableBufferPointer<Scalar>, step: Int,
    learningRate: Double, beta1: Double, beta2: Double, epsilon: Double,
    weightDecay: Double, decoupled: Bool
) {
    let n = value.count
    guard n > 0 else { return }
    precondition(slots.count == 2 * n, "Adam state of \(slots.count) scalars for \(n) entries")
    let t = Double(step)
    let biasCorrection1 = 1 - Double.pow(beta1, t)
    let biasCorrection2 = 1 - Double.pow(beta2, t)
    let negativeStepSize = Scalar(-(learningRate / biasCorrection1))
    let biasCorrection2Sqrt = Scalar(biasCorrection2.squareRoot())
    let eps = Scalar(epsilon)
    let lerpWeight = Scalar(1 - beta1)
    let lerpLow = abs(1 - beta1) < 0.5
    let lerpCoefficient = lerpLow ? lerpWeight : lerpWeight - 1
    let b2 = Scalar(beta2), oneMinusB2 = Scalar(1 - beta2)
    let lambda = Scalar(weightDecay)
    let shrink = Scalar(1 - learningRate * weightDecay)

    let p = value.baseAddress!, g = gradient.baseAddress!
    let m = slots.baseAddress!, v = m + n
    // Rounding as PyTorch's kernels: `add(x, alpha=a)`, `lerp` and `addcmul` are fused
    // multiply-adds; `mul_`, `sqrt`, `/`, `add_(eps)` and `addcdiv` ((a·m)/d + θ) round each step.
    //
    // Speed: each body below is called with constant options, so it is a branch-free loop that
    // vectorises, except for √v: Swift on Linux calls libm's `sqrtf` (errno semantics), which
    // blocks vectorisation, so the square roots get their own loop over chunks small enough to
    // stay in L1, and the other two loops vectorise.
    @inline(__always)
    func moments(_ range: Range<Int>, coupledDecay: Bool, decoupledDecay: Bool, lerpLow: Bool) {
        for i in range {
            var gi = g[i]
            if decoupledDecay { p[i] = p[i] * shrink }
            if coupledDecay { gi = fusedMultiplyAdd(p[i], lambda, gi) }
            // torch.lerp(m, g, w) = fma(w, g − m, m) for |w| < 0.5, else fma(w − 1, g − m, g).
            m[i] = fusedMultiplyAdd(lerpCoefficient, gi - m[i], lerpLow ? m[i] : gi)
            v[i] = fusedMultiplyAdd(oneMinusB2 * gi, gi, v[i] * b2)
        }
    }
    let mode = (weightDecay == 0 ? 0 : decoupled ? 2 : 1, lerpLow)
    let chunk = 512
    // Every entry's update reads and writes only its own θ, m, v: the threads take disjoint blocks
    // of entries, and the result does not depend on how many there are.
    Parallel.forEachChunk(n, minimumPerThread: 1 << 16) { block in
        withUnsafeTemporaryAllocation(of: Scalar.self, capacity: chunk) { root in
            let r = root.baseAddress!
            var start = block.lowerBound
            while start < block.upperBound {
                let range = start..<min(start + chunk, block.upperBound)
                switch mode {
                case (0, true): moments(range, coupledDecay: false, decoupledDecay: false, lerpLow: true)
                case (0, false): moments(range, coupledDecay: false, decoupledDecay: false, lerpLow: false)
                case (1, true): moments(range, coupledDecay: true, decoupledDecay: false, lerpLow: true)
                case (1, false): moments(range, coupledDecay: true, decoupledDecay: false, lerpLow: false)
                case (_, true): moments(range, coupledDecay: false, decoupledDecay: true, lerpLow: true)
                case (_, false): moments(range, coupledDecay: false, decoupledDecay: true, lerpLow: false)
                }
                let count = range.count, pc = p + start, mc = m + start, vc = v + start
                for j in 0..<count { r[j] = vc[j].squareRoot() }
                for j in 0..<count {
                    let denominator = r[j] / biasCorrection2Sqrt + eps
                    pc[j] = pc[j] + negativeStepSize * mc[j] / denominator
                }
                start = range.upperBound
            }
        }
    }
}
