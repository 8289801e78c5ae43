import ArgumentParser
import Tensor

extension InferencePrecision: ExpressibleByArgument {}

/// The `--precision` option of every command that runs a trained network forward.
struct PrecisionArgument: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Precision of the matrix products: f32, or int8 (int8 weights with per-row scales, activations quantised per row, float32 element-wise maths).",
        valueName: "f32|int8"))
    var precision: InferencePrecision = .f32
}
