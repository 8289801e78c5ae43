import ArgumentParser
import Tensor

/// The `--threads` option of every command that runs a network.
struct RuntimeArguments: ParsableArguments {
    @Option(help: "Threads for matrix products and element-wise loops.")
    var threads = 2

    func validate() throws {
        if let problem = NumericRuntime.problem(threads: threads) { throw ValidationError(problem) }
    }

    /// Sets the numeric core's thread count (oneDNN's OpenMP threads) and forward products' precision.
    func configure(precision: PrecisionArgument? = nil) {
        NumericRuntime.configure(threads: threads, precision: precision?.precision ?? .f32)
    }
}
