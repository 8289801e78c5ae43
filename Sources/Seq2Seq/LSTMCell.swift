import Tensor

/// The LSTM cell, PyTorch's `nn.LSTM` (gate blocks in the order i, f, g, o):
///
///     i = σ(xp_i + hp_i)    f = σ(xp_f + hp_f)    g = tanh(xp_g + hp_g)    o = σ(xp_o + hp_o)
///     c' = f ⊙ c + i ⊙ g
///     h' = o ⊙ tanh(c')
///
/// State row `[h | c]`. Backward, with ∂h', ∂c' the incoming gradients:
///
///     ∂o = ∂h' ⊙ tanh(c')             ∂c* = ∂c' + ∂h' ⊙ o ⊙ (1 − tanh²(c'))
///     ∂i = ∂c* ⊙ g    ∂f = ∂c* ⊙ c    ∂g = ∂c* ⊙ i    ∂c = ∂c* ⊙ f
///
/// and each gate's pre-activation gradient is its gradient times σ' = s(1 − s) or tanh' = 1 − g².
/// Cache per unit: i, f, g, o, tanh(c').
public struct LSTMCell: RecurrentCell {
    public init() {}

    public static var gateCount: Int { 4 }
    public static var stateCount: Int { 2 }
    public static var cacheCount: Int { 5 }
    public var kind: String { "lstm" }

    @inlinable
    public func forward<Scalar: TensorScalar>(
        xp: UnsafePointer<Scalar>, hp: UnsafePointer<Scalar>, previous: UnsafePointer<Scalar>,
        state: UnsafeMutablePointer<Scalar>, cache: UnsafeMutablePointer<Scalar>,
        batch: Int, hidden H: Int
    ) {
        for b in 0..<batch {
            let x = xp + b * 4 * H, r = hp + b * 4 * H
            let prev = previous + b * 2 * H, out = state + b * 2 * H
            let cached = cache + b * 5 * H
            for j in 0..<H {
                let i = Scalar.sigmoid(x[j] + r[j])
                let f = Scalar.sigmoid(x[H + j] + r[H + j])
                let g = Scalar.hyperbolicTangent(x[2 * H + j] + r[2 * H + j])
                let o = Scalar.sigmoid(x[3 * H + j] + r[3 * H + j])
                let c = f * prev[H + j] + i * g
                let tc = Scalar.hyperbolicTangent(c)
                out[j] = o * tc
                out[H + j] = c
                cached[j] = i; cached[H + j] = f; cached[2 * H + j] = g; cached[3 * H + j] = o
                cached[4 * H + j] = tc
            }
        }
    }

    @inlinable
    public func backward<Scalar: TensorScalar>(
        stateGradient: UnsafePointer<Scalar>, cache: UnsafePointer<Scalar>,
        previous: UnsafePointer<Scalar>, state: UnsafePointer<Scalar>, hp: UnsafePointer<Scalar>,
        xpGradient: UnsafeMutablePointer<Scalar>, hpGradient: UnsafeMutablePointer<Scalar>,
        previousGradient: UnsafeMutablePointer<Scalar>,
        batch: Int, hidden H: Int
    ) {
        for b in 0..<batch {
            let dState = stateGradient + b * 2 * H, prev = previous + b * 2 * H
            let cached = cache + b * 5 * H
            let dx = xpGradient + b * 4 * H, dh = hpGradient + b * 4 * H
            let dPrev = previousGradient + b * 2 * H
            for j in 0..<H {
                let i = cached[j], f = cached[H + j], g = cached[2 * H + j], o = cached[3 * H + j]
                let tc = cached[4 * H + j]
                let dhNew = dState[j]
                let dc = dState[H + j] + dhNew * o * (1 - tc * tc)
                let di = dc * g * i * (1 - i)
                let df = dc * prev[H + j] * f * (1 - f)
                let dg = dc * i * (1 - g * g)
                let dO = dhNew * tc * o * (1 - o)
                dx[j] = di; dx[H + j] = df; dx[2 * H + j] = dg; dx[3 * H + j] = dO
                dh[j] = di; dh[H + j] = df; dh[2 * H + j] = dg; dh[3 * H + j] = dO
                dPrev[j] = 0
                dPrev[H + j] = dc * f
            }
        }
    }
}
