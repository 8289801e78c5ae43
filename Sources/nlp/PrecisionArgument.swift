import ArgumentParser
import Tensor

extension InferencePrecision: ExpressibleByArgument {}

/// The `--precision` option of every command that runs a trained network forward.
struct PrecisionArgument: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Precision of the matrix products: f32; int8 (int8 weights with per-row scales, activations quantised per row); bf16 (bfloat16 weights and activations, float32 sums; AVX-512 CPUs). Element-wise maths stays float32.",
        valueName: "f32|int8|bf16"))
    var precision: InferencePrecision = .f32

    func validate() throws {
        if let reason = precision.unsupportedReason { throw ValidationError("--precision \(precision.rawValue): \(reason)") }
    }
}
