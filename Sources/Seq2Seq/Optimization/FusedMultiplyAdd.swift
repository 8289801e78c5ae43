import Tensor

/// a · b + c rounded once, as PyTorch's CPU kernels compute `x.add_(y, alpha=a)`, `lerp` and
/// `addcmul` (they compile to FMA instructions); the optimizers use it to round where PyTorch does.
///
/// For Float it is computed in Double (the product of two floats is exact there) and rounded back:
/// the same result as a hardware FMA except in rare double-rounding ties, and, unlike
/// `addingProduct` on a baseline x86-64 target (a call to libm's `fmaf`), it vectorises.
@inlinable @inline(__always)
func fusedMultiplyAdd<Scalar: TensorScalar>(_ a: Scalar, _ b: Scalar, _ c: Scalar) -> Scalar {
    if Scalar.self == Float.self {
        let a = unsafeBitCast(a, to: Float.self), b = unsafeBitCast(b, to: Float.self)
        let c = unsafeBitCast(c, to: Float.self)
        return unsafeBitCast(Float(Double(a) * Double(b) + Double(c)), to: Scalar.self)
    }
    return c.addingProduct(a, b)
}
