import Tensor

/// The GRU cell, PyTorch's `nn.GRU` (gate blocks in the order r, z, n):
///
///     r = σ(xp_r + hp_r)    z = σ(xp_z + hp_z)    n = tanh(xp_n + r ⊙ hp_n)
///     h' = (1 − z) ⊙ n + z ⊙ h
///
/// Note `hp_n = h W_hnᵀ + b_hn` is gated by r as a whole, bias included (PyTorch's convention).
/// Backward, with ∂h' the incoming gradient:
///
///     ∂n* = ∂h' ⊙ (1 − z) ⊙ (1 − n²)      ∂z* = ∂h' ⊙ (h − n) ⊙ z(1 − z)
///     ∂r* = ∂n* ⊙ hp_n ⊙ r(1 − r)          ∂h (direct) = ∂h' ⊙ z
///     ∂xp = [∂r*, ∂z*, ∂n*]                ∂hp = [∂r*, ∂z*, ∂n* ⊙ r]
///
/// Cache per unit: r, z, n.
public struct GRUCell: RecurrentCell {
    public init() {}

    public static var gateCount: Int { 3 }
    public static var stateVectors: Int { 1 }
    public static var cacheCount: Int { 3 }
    public var kind: String { "gru" }

    // Each row is processed 8 units at a time on SIMD8 lanes (see LSTMCell).
    @inlinable
    public func forward<Scalar: TensorScalar>(
        xp: UnsafePointer<Scalar>, hp: UnsafePointer<Scalar>, previous: UnsafePointer<Scalar>,
        state: UnsafeMutablePointer<Scalar>, cache: UnsafeMutablePointer<Scalar>,
        batch: Int, hidden H: Int
    ) {
        for b in 0..<batch {
            let xr = xp + b * 3 * H, xz = xr + H, xn = xz + H
            let rr = hp + b * 3 * H, rz = rr + H, rn = rz + H
            let hPrev = previous + b * H, hOut = state + b * H
            let cr = cache + b * 3 * H, cz = cr + H, cn = cz + H
            for j in stride(from: 0, to: H, by: 8) {
                let count = Swift.min(8, H - j)
                let r = Scalar.sigmoid(xr.lanes(j, count) + rr.lanes(j, count))
                let z = Scalar.sigmoid(xz.lanes(j, count) + rz.lanes(j, count))
                let n = Scalar.hyperbolicTangent(xn.lanes(j, count) + r * rn.lanes(j, count))
                hOut.storeLanes((1 - z) * n + z * hPrev.lanes(j, count), j, count)
                cr.storeLanes(r, j, count); cz.storeLanes(z, j, count); cn.storeLanes(n, j, count)
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
            let dhNew = stateGradient + b * H, hPrev = previous + b * H
            let cr = cache + b * 3 * H, cz = cr + H, cn = cz + H
            let rn = hp + b * 3 * H + 2 * H
            let dxr = xpGradient + b * 3 * H, dxz = dxr + H, dxn = dxz + H
            let drr = hpGradient + b * 3 * H, drz = drr + H, drn = drz + H
            let dhPrev = previousGradient + b * H
            for j in stride(from: 0, to: H, by: 8) {
                let count = Swift.min(8, H - j)
                let r = cr.lanes(j, count), z = cz.lanes(j, count), n = cn.lanes(j, count)
                let dh = dhNew.lanes(j, count)
                let dn = dh * (1 - z) * (1 - n * n)
                let dz = dh * (hPrev.lanes(j, count) - n) * z * (1 - z)
                let dr = dn * rn.lanes(j, count) * r * (1 - r)
                dxr.storeLanes(dr, j, count); dxz.storeLanes(dz, j, count); dxn.storeLanes(dn, j, count)
                drr.storeLanes(dr, j, count); drz.storeLanes(dz, j, count); drn.storeLanes(dn * r, j, count)
                dhPrev.storeLanes(dh * z, j, count)
            }
        }
    }
}
