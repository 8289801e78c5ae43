import CDNNL

/// A matrix product `C (+)= A · W` run many times with the same W and shapes, and a different A and
/// C each time: the recurrent step's `h_{t-1} W_hhᵀ`, T times per layer.
///
/// For Float, W is reordered once into the layout oneDNN's matmul primitive prefers ("packed") and
/// every product reuses it; `dnnl_sgemm` would pack W again on each call. On this machine's per-step
/// shapes that is 15-45% faster (Scripts/bench/dnnl_matmul_probe.c). For Double it is `gemm`.
///
/// Shapes: A (m, k) with row stride `lda`; W (k, n), given row-major (k, n), or, with `transposed`,
/// as its transpose stored row-major (n, k); C (m, n) with row stride `ldc`.
public final class RepeatedProduct<Scalar: TensorScalar> {
    let m: Int, k: Int, n: Int, lda: Int, ldc: Int
    let accumulate: Bool
    let packed: PackedProduct?           // Float on oneDNN
    let weights: [Scalar]                // the Double path's copy of W as given
    let transposed: Bool

    public init(m: Int, k: Int, n: Int, lda: Int, ldc: Int, accumulate: Bool,
                weights: UnsafePointer<Scalar>, transposed: Bool) {
        (self.m, self.k, self.n, self.lda, self.ldc, self.accumulate) = (m, k, n, lda, ldc, accumulate)
        self.transposed = transposed
        if Scalar.self == Float.self, m > 0 {
            var copies: [PackedCopy] = []   // this product's own packed copy
            packed = PackedProduct(key: ProductKey(rows: m, ldx: lda, ldy: ldc, accumulate: accumulate), k: k, n: n,
                                   weights: UnsafeRawPointer(weights),
                                   given: OneDNN.descriptor(k, n, strides: transposed ? [1, k] : [n, 1]),
                                   copies: &copies)
            self.weights = []
        } else {
            packed = nil
            self.weights = Array(UnsafeBufferPointer(start: weights, count: k * n))
        }
    }

    /// C (+)= A · W
    public func callAsFunction(_ a: UnsafePointer<Scalar>, into c: UnsafeMutablePointer<Scalar>) {
        if let packed {
            packed.run(UnsafeRawPointer(a), UnsafeMutableRawPointer(c))
        } else {
            weights.withUnsafeBufferPointer { w in
                Scalar.gemm(transposeA: false, transposeB: transposed, m: m, n: n, k: k, alpha: 1,
                            a: a, lda: lda, b: w.baseAddress!, ldb: transposed ? k : n,
                            beta: accumulate ? 1 : 0, c: c, ldc: ldc)
            }
        }
    }
}
