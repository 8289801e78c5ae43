import CDNNL
import RealModule

/// A scalar type the numeric core computes in.
///
/// - `Float`: training and inference; matrix products run on oneDNN's `dnnl_sgemm`.
/// - `Double`: gradient checks; matrix products run in plain loops (oneDNN has no double GEMM).
///
/// Layers are generic over the scalar so that the very code that trains in `Float` is the code
/// whose gradients are checked against central differences in `Double`.
public protocol TensorScalar: Real, BinaryFloatingPoint, SIMDScalar, Codable, Sendable {
    /// General matrix product on row-major buffers:
    ///
    ///     C ← α · op(A) · op(B) + β · C,    op(X) = Xᵀ when the matching flag is set
    ///
    /// Shapes: op(A) (m, k), op(B) (k, n), C (m, n). `lda`, `ldb`, `ldc` are the row strides of the
    /// buffers as stored (before any transpose). With β = 0, C need not be initialised.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// eˣ. Float uses a branch-free polynomial that vectorises (within 2 ulp); Double uses libm.
    static func exponential(_ x: Self) -> Self
    /// σ(x) = 1 / (1 + e⁻ˣ)
    static func sigmoid(_ x: Self) -> Self
    /// tanh(x)
    static func hyperbolicTangent(_ x: Self) -> Self

    /// The same three functions on 8 lanes at once: the element-wise kernels are written on
    /// `SIMD8` so they vectorise whatever the compiler's alias analysis concludes.
    static func exponential(_ x: SIMD8<Self>) -> SIMD8<Self>
    static func sigmoid(_ x: SIMD8<Self>) -> SIMD8<Self>
    static func hyperbolicTangent(_ x: SIMD8<Self>) -> SIMD8<Self>
}

extension TensorScalar {
    @inlinable @inline(__always)
    public static func exponential(_ x: Self) -> Self { exp(x) }
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Self) -> Self { 1 / (1 + exp(-x)) }
    @inlinable @inline(__always)
    public static func hyperbolicTangent(_ x: Self) -> Self { tanh(x) }

    // Lane by lane with the scalar functions (the Double path: gradient checks).
    @inlinable @inline(__always)
    public static func exponential(_ x: SIMD8<Self>) -> SIMD8<Self> { lanewise(x, exponential) }
    @inlinable @inline(__always)
    public static func sigmoid(_ x: SIMD8<Self>) -> SIMD8<Self> { lanewise(x, sigmoid) }
    @inlinable @inline(__always)
    public static func hyperbolicTangent(_ x: SIMD8<Self>) -> SIMD8<Self> { lanewise(x, hyperbolicTangent) }

    @inlinable @inline(__always)
    static func lanewise(_ x: SIMD8<Self>, _ function: (Self) -> Self) -> SIMD8<Self> {
        var result = x
        for lane in 0..<8 { result[lane] = function(x[lane]) }
        return result
    }
}

extension Float: TensorScalar {
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        let status = dnnl_sgemm(
            transposeA ? 84 : 78, transposeB ? 84 : 78,  // 'T' : 'N'
            Int64(m), Int64(n), Int64(k), alpha, a, Int64(lda), b, Int64(ldb), beta, c, Int64(ldc))
        precondition(status == dnnl_success, "dnnl_sgemm failed with status \(status)")
    }
}

extension Double: TensorScalar {
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        referenceGemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
            alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}

/// The same contract as `TensorScalar.gemm`, in plain loops: the Double path, and the reference the
/// oneDNN path is tested against.
@inlinable
public func referenceGemm<Scalar: BinaryFloatingPoint>(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Scalar, a: UnsafePointer<Scalar>, lda: Int,
    b: UnsafePointer<Scalar>, ldb: Int,
    beta: Scalar, c: UnsafeMutablePointer<Scalar>, ldc: Int
) {
    for i in 0..<m {
        let cRow = c + i * ldc
        if beta == 0 {
            for j in 0..<n { cRow[j] = 0 }
        } else if beta != 1 {
            for j in 0..<n { cRow[j] *= beta }
        }
        for p in 0..<k {
            let aip = alpha * (transposeA ? a[p * lda + i] : a[i * lda + p])
            if aip == 0 { continue }
            if transposeB {
                for j in 0..<n { cRow[j] += aip * b[j * ldb + p] }
            } else {
                let bRow = b + p * ldb
                for j in 0..<n { cRow[j] += aip * bRow[j] }
            }
        }
    }
}
