/// A weight W (n, k), or a block of its columns, held at a precision below float32 with its own
/// forward product `y (m, n) (+)= x (m, k) · Wᵀ` on float32 x and y: what `PackedWeights` runs at
/// `NumericRuntime.precision` int8 (`QuantizedWeights`) or bf16 (`BFloat16Weights`).
protocol ReducedPrecisionWeights: AnyObject, Sendable {
    /// Converts the n rows of k values at `weights`, rows `leadingDimension` apart.
    init(_ weights: UnsafePointer<Float>, rows n: Int, cols k: Int, leadingDimension: Int)

    /// y (m, n; rows `ldy` apart) (+)= x (m, k; rows `ldx` apart) · Wᵀ.
    func product(_ x: UnsafePointer<Float>, rows m: Int, ldx: Int, into y: UnsafeMutablePointer<Float>, ldy: Int,
                 accumulate: Bool)
}
