/// The precision of the matrix products of forward passes at inference, set for the process with
/// `NumericRuntime.configure(threads:precision:)`:
/// - `f32`: float32 throughout (the default; training always runs so);
/// - `int8`: weights quantised to int8 with one scale per output row, activations quantised on the
///   fly with one scale per row, integer products, float32 scaling (`QuantizedWeights`).
///
/// Everything else (cells, attention scores, softmax, the CRF) stays float32 either way.
public enum InferencePrecision: String, CaseIterable, Sendable {
    case f32
    case int8
}
