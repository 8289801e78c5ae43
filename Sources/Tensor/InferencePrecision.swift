/// The precision of the matrix products of forward passes at inference, set for the process with
/// `NumericRuntime.configure(threads:precision:)`:
/// - `f32`: float32 throughout (the default; training always runs so);
/// - `int8`: weights quantised to int8 with one scale per output row, activations quantised on the
///   fly with one scale per row, integer products, float32 scaling (`QuantizedWeights`);
/// - `bf16`: weights and activations rounded to bfloat16, products summed in float32
///   (`BFloat16Weights`); needs a CPU with a bf16 matmul in oneDNN (AVX-512).
///
/// Everything else (cells, attention scores, softmax, the CRF) stays float32 either way.
public enum InferencePrecision: String, CaseIterable, Sendable {
    case f32
    case int8
    case bf16

    /// Why this CPU cannot run products at this precision, or nil when it can.
    public var unsupportedReason: String? {
        guard self == .bf16, !OneDNN.hasMatmul(.bfloat16) else { return nil }
        return "this CPU has no bfloat16 matrix product in oneDNN (it needs AVX-512: avx512_bf16 or AMX for full speed, avx512_core emulated); use --precision int8 or f32"
    }
}
