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
    public static var stateCount: Int { 1 }
    public static var cacheCount: Int { 0 }
    public var kind: String { activation == .tanh ? "rnn_tanh" : "rnn_relu" }

    @inlinable
    public func forward<Scalar: TensorScalar>(
        xp: UnsafePointer<Scalar>, hp: UnsafePointer<Scalar>, previous: UnsafePointer<Scalar>,
        state: UnsafeMutablePointer<Scalar>, cache: UnsafeMutablePointer<Scalar>,
        batch: Int, hidden: Int
    ) {
        let n = batch * hidden
        switch activation {
        case .tanh: for k in 0..<n { state[k] = Scalar.hyperbolicTangent(xp[k] + hp[k]) }
        case .relu: for k in 0..<n { state[k] = Swift.max(0, xp[k] + hp[k]) }
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
        let n = batch * hidden
        for k in 0..<n {
            let h = state[k]
            let derivative: Scalar = activation == .tanh ? 1 - h * h : (h > 0 ? 1 : 0)
            let g = stateGradient[k] * derivative
            xpGradient[k] = g
            hpGradient[k] = g
            previousGradient[k] = 0
        }
    }
}
