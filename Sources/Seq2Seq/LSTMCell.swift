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
    public static var stateVectors: Int { 2 }
    public static var cacheCount: Int { 5 }
    public var kind: String { "lstm" }

    // Each row is processed 8 units at a time on SIMD8 lanes (the tail in zero-padded lanes).
    @inlinable
    public func forward<Scalar: TensorScalar>(
        xp: UnsafePointer<Scalar>, hp: UnsafePointer<Scalar>, previous: UnsafePointer<Scalar>,
        state: UnsafeMutablePointer<Scalar>, cache: UnsafeMutablePointer<Scalar>,
        batch: Int, hidden H: Int
    ) {
        for b in 0..<batch {
            let xi = xp + b * 4 * H, xf = xi + H, xg = xf + H, xo = xg + H
            let ri = hp + b * 4 * H, rf = ri + H, rg = rf + H, ro = rg + H
            let cPrev = previous + b * 2 * H + H
            let hOut = state + b * 2 * H, cOut = hOut + H
            let ci = cache + b * 5 * H, cf = ci + H, cg = cf + H, co = cg + H, ctc = co + H
            for j in stride(from: 0, to: H, by: 8) {
                let n = Swift.min(8, H - j)
                let i = Scalar.sigmoid(xi.lanes(j, n) + ri.lanes(j, n))
                let f = Scalar.sigmoid(xf.lanes(j, n) + rf.lanes(j, n))
                let g = Scalar.hyperbolicTangent(xg.lanes(j, n) + rg.lanes(j, n))
                let o = Scalar.sigmoid(xo.lanes(j, n) + ro.lanes(j, n))
                let c = f * cPrev.lanes(j, n) + i * g
                let tc = Scalar.hyperbolicTangent(c)
                hOut.storeLanes(o * tc, j, n)
                cOut.storeLanes(c, j, n)
                ci.storeLanes(i, j, n); cf.storeLanes(f, j, n); cg.storeLanes(g, j, n)
                co.storeLanes(o, j, n); ctc.storeLanes(tc, j, n)
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
            let dhNew = stateGradient + b * 2 * H, dcNew = dhNew + H
            let cPrev = previous + b * 2 * H + H
            let ci = cache + b * 5 * H, cf = ci + H, cg = cf + H, co = cg + H, ctc = co + H
            let dxi = xpGradient + b * 4 * H, dxf = dxi + H, dxg = dxf + H, dxo = dxg + H
            let dri = hpGradient + b * 4 * H, drf = dri + H, drg = drf + H, dro = drg + H
            let dhPrev = previousGradient + b * 2 * H, dcPrev = dhPrev + H
            for j in stride(from: 0, to: H, by: 8) {
                let n = Swift.min(8, H - j)
                let i = ci.lanes(j, n), f = cf.lanes(j, n), g = cg.lanes(j, n)
                let o = co.lanes(j, n), tc = ctc.lanes(j, n)
                let dh = dhNew.lanes(j, n)
                let dc = dcNew.lanes(j, n) + dh * o * (1 - tc * tc)
                let di = dc * g * i * (1 - i)
                let df = dc * cPrev.lanes(j, n) * f * (1 - f)
                let dg = dc * i * (1 - g * g)
                let dO = dh * tc * o * (1 - o)
                dxi.storeLanes(di, j, n); dxf.storeLanes(df, j, n); dxg.storeLanes(dg, j, n); dxo.storeLanes(dO, j, n)
                dri.storeLanes(di, j, n); drf.storeLanes(df, j, n); drg.storeLanes(dg, j, n); dro.storeLanes(dO, j, n)
                dhPrev.storeLanes(SIMD8(), j, n)
                dcPrev.storeLanes(dc * f, j, n)
            }
        }
    }
}
