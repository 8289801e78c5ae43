import Tensor

/// The Elman RNN cell, PyTorch's `nn.RNN`:
///
///     h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh),    act = tanh or ReLU
///
/// Backward: ∂L/∂pre = ∂L/∂h' ⊙ act'(pre), with tanh' = 1 − h'² and ReLU' = [h' > 0]; the
/// pre-activation gradient is both ∂L/∂xp and ∂L/∂hp.
public struct VanillaCell: RecurrentCell {
    public enum Activation: String, Sendable { case tanh, relu }

    public let activation: Activation
    public init(activation: Activation = .tanh) { self.activation = activation }

    public static var gateCount: Int { 1 }
    public static var stateVectors: Int { 1 }
    public static var cacheCount: Int { 0 }
    public var kind: String { activation == .tanh ? "rnn_tanh" : "rnn_relu" }

    @inlinable
    public func forward<Scalar: TensorScalar>(
        xp: UnsafePointer<Scalar>, hp: UnsafePointer<Scalar>, previous: UnsafePointer<Scalar>,
        state: UnsafeMutablePointer<Scalar>, cache: UnsafeMutablePointer<Scalar>,
        batch: Int, hidden: Int
    ) {
        let total = batch * hidden
        for k in stride(from: 0, to: total, by: 8) {
            let n = Swift.min(8, total - k)
            let pre = xp.lanes(k, n) + hp.lanes(k, n)
            state.storeLanes(activation == .tanh ? Scalar.hyperbolicTangent(pre) : pre.replacing(with: 0, where: pre .< 0), k, n)
        }
    }

    @inlinable
    public func backward<Scalar: TensorScalar>(
        stateGradient: UnsafePointer<Scalar>, cache: UnsafePointer<Scalar>,
        previous: UnsafePointer<Scalar>, state: UnsafePointer<Scalar>, hp: UnsafePointer<Scalar>,
        xpGradient: UnsafeMutablePointer<Scalar>, hpGradient: UnsafeMutablePointer<Scalar>,
        previousGradient: UnsafeMutablePointer<Scalar>,
        batch: Int, hidden: Int
    ) {
        let total = batch * hidden
        for k in stride(from: 0, to: total, by: 8) {
            let n = Swift.min(8, total - k)
            let h = state.lanes(k, n)
            let derivative = activation == .tanh
                ? 1 - h * h : SIMD8<Scalar>().replacing(with: 1, where: h .> 0)
            let g = stateGradient.lanes(k, n) * derivative
            xpGradient.storeLanes(g, k, n)
            hpGradient.storeLanes(g, k, n)
            previousGradient.storeLanes(SIMD8(), k, n)
        }
    }
}
