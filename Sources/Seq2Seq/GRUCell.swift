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
    public static var stateCount: Int { 1 }
    public static var cacheCount: Int { 3 }
    public var kind: String { "gru" }

    @inlinable
    public func forward<Scalar: TensorScalar>(
        xp: UnsafePointer<Scalar>, hp: UnsafePointer<Scalar>, previous: UnsafePointer<Scalar>,
        state: UnsafeMutablePointer<Scalar>, cache: UnsafeMutablePointer<Scalar>,
        batch: Int, hidden H: Int
    ) {
        for b in 0..<batch {
            let x = xp + b * 3 * H, rec = hp + b * 3 * H
            let prev = previous + b * H, out = state + b * H
            let cached = cache + b * 3 * H
            for j in 0..<H {
                let r = Scalar.sigmoid(x[j] + rec[j])
                let z = Scalar.sigmoid(x[H + j] + rec[H + j])
                let n = Scalar.hyperbolicTangent(x[2 * H + j] + r * rec[2 * H + j])
                out[j] = (1 - z) * n + z * prev[j]
                cached[j] = r; cached[H + j] = z; cached[2 * H + j] = n
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
            let dState = stateGradient + b * H, prev = previous + b * H
            let cached = cache + b * 3 * H, rec = hp + b * 3 * H
            let dx = xpGradient + b * 3 * H, dh = hpGradient + b * 3 * H
            let dPrev = previousGradient + b * H
            for j in 0..<H {
                let r = cached[j], z = cached[H + j], n = cached[2 * H + j]
                let dhNew = dState[j]
                let dn = dhNew * (1 - z) * (1 - n * n)
                let dz = dhNew * (prev[j] - n) * z * (1 - z)
                let dr = dn * rec[2 * H + j] * r * (1 - r)
                dx[j] = dr; dx[H + j] = dz; dx[2 * H + j] = dn
                dh[j] = dr; dh[H + j] = dz; dh[2 * H + j] = dn * r
                dPrev[j] = dhNew * z
            }
        }
    }
}
