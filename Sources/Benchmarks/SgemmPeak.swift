import Tensor

/// The machine's measured single-precision matrix-product speed (GFLOP/s) on a square product and
/// on the skinny shape of a recurrent step, the ceiling the workloads are compared with.
public enum SgemmPeak {
    public static func measure(size: Int = 1024, iterations: Int = 20) -> Double {
        var generator = SeededGenerator(seed: 1)
        let a = Matrix<Float>.normal(rows: size, cols: size, standardDeviation: 1, using: &generator)
        let b = Matrix<Float>.normal(rows: size, cols: size, standardDeviation: 1, using: &generator)
        var c = Matrix<Float>(rows: size, cols: size)
        let workload = Workload(key: "sgemm", tokens: 0, flops: gemmFlops(size, size, size)) {
            c.addProduct(a, b, beta: 0)
        }
        return workload.flops / workload.secondsPerIteration(warmup: 3, iterations: iterations) / 1e9
    }

    /// The same square product through `PackedWeights` at `NumericRuntime.precision` (weights
    /// packed, or quantised, once; int8 quantises x on every product), the ceiling of a
    /// lower-precision inference workload.
    public static func measurePacked(size: Int = 1024, iterations: Int = 20) -> Double {
        var generator = SeededGenerator(seed: 1)
        let x = Matrix<Float>.normal(rows: size, cols: size, standardDeviation: 1, using: &generator)
        let weights = PackedWeights(Matrix<Float>.normal(rows: size, cols: size, standardDeviation: 1, using: &generator))
        var y = Matrix<Float>(rows: size, cols: size)
        let workload = Workload(key: "packed", tokens: 0, flops: gemmFlops(size, size, size)) {
            x.storage.withUnsafeBufferPointer { px in
                y.storage.withUnsafeMutableBufferPointer { py in
                    weights.product(px.baseAddress!, rows: size, ldx: size, into: py.baseAddress!, ldy: size, accumulate: false)
                }
            }
        }
        return workload.flops / workload.secondsPerIteration(warmup: 3, iterations: iterations) / 1e9
    }
}
