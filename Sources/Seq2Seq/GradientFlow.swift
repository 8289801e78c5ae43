import RealModule
import Tensor

/// How far back a gradient reaches: the lesson of vanishing and exploding gradients, measured.
///
/// One recurrent layer of `cell` runs over `steps` steps of random inputs x_t ~ N(0, 1); the loss is
/// on the last step only, L = ⟨g, h_T⟩ with g ~ N(0, 1) per row. Backpropagation through time gives
///
///     ∂L/∂h_t = ∂L/∂h_T · ∏_{k=t+1…T} ∂h_k/∂h_{k−1}
///
/// a product of T − t Jacobians. For a tanh RNN each is diag(1 − h_k²) W_hh, so with W_hh's largest
/// singular value below 1 the norm shrinks geometrically with distance (and grows when it is well
/// above 1); the LSTM's cell state passes ∂L/∂c_k through the forget gate, f_k ⊙ ∂L/∂c_k, which
/// stays near 1 when the forget gate is open. `norms()` is ‖∂L/∂h_t‖ for t = 0…T−1 (Frobenius over
/// the batch, `Recurrent.hiddenGradientNorms`), the geometric mean over `samples` random batches.
public struct GradientFlow: Sendable {
    public var cell: CellKind
    public var steps: Int
    public var hiddenSize = 64
    public var inputSize = 32
    public var batch = 16
    public var samples = 5
    /// W_hh is PyTorch's initialisation, U(−1/√H, 1/√H), times this: above about √3 a tanh RNN's
    /// gradient explodes instead of vanishing.
    public var recurrentScale = 1.0
    /// The LSTM's forget-gate bias b_if + b_hf; nil keeps PyTorch's initialisation (f ≈ σ(0) = ½).
    public var forgetGateBias: Double?
    public var seed: UInt64 = 1

    public init(cell: CellKind, steps: Int) {
        self.cell = cell
        self.steps = steps
    }

    /// What is wrong with the settings, or nil.
    public var problem: String? {
        if steps < 2 { return "--steps must be at least 2" }
        if hiddenSize < 1 || inputSize < 1 || batch < 1 || samples < 1 {
            return "--hidden, --input, --batch and --samples must be positive"
        }
        if !(recurrentScale.isFinite && recurrentScale > 0) { return "--recurrent-scale must be a positive number" }
        if let bias = forgetGateBias, !bias.isFinite { return "--forget-bias must be a number" }
        return nil
    }

    /// ‖∂L/∂h_t‖ for t = 0…T−1, geometric mean over the samples (0 where a sample underflowed,
    /// +∞ where one overflowed).
    public func norms() -> [Double] {
        precondition(problem == nil, problem ?? "")
        return cell.withCell(Measurement(flow: self))
    }

    /// ‖∂L/∂h_0‖ / ‖∂L/∂h_{T−1}‖ of `norms`: how much of the gradient reaches the first step.
    public static func ratio(_ norms: [Double]) -> Double {
        guard let first = norms.first, let last = norms.last, last > 0 else { return .nan }
        return first / last
    }

    private struct Measurement: CellBody {
        let flow: GradientFlow

        @inline(__always)
        func callAsFunction<Cell: RecurrentCell>(_ cell: Cell) -> [Double] {
            let T = flow.steps, B = flow.batch, H = flow.hiddenSize, D = flow.inputSize
            var generator = SeededGenerator(seed: flow.seed)
            let layer = Recurrent<Cell, Float>(cell: cell, inputSize: D, hiddenSize: H, generator: &generator)
            for i in 0..<layer.weightHH.value.count { layer.weightHH.value.storage[i] *= Float(flow.recurrentScale) }
            if let bias = flow.forgetGateBias, let lstm = layer as? Recurrent<LSTMCell, Float> {
                lstm.setForgetGateBias(Float(bias))
            }
            let lengths = [Int](repeating: T, count: B)
            var logSums = [Double](repeating: 0, count: T)
            var underflowed = [Bool](repeating: false, count: T), overflowed = underflowed
            for _ in 0..<flow.samples {
                let input = Matrix<Float>.normal(rows: T * B, cols: D, standardDeviation: 1, using: &generator)
                let (_, _, cache) = layer.forward(input, lengths: lengths)
                var outputGradient = Matrix<Float>(rows: T * B, cols: H)   // (T·B, H): only the last step's rows
                for i in ((T - 1) * B * H)..<(T * B * H) { outputGradient.storage[i] = Float(generator.nextNormal()) }
                _ = layer.backward(outputGradient: outputGradient, cache: cache)
                for (t, norm) in layer.hiddenGradientNorms.enumerated() {
                    if norm > 0 && norm.isFinite { logSums[t] += Double.log(norm) } else if norm == 0 { underflowed[t] = true } else { overflowed[t] = true }
                }
            }
            return (0..<T).map {
                overflowed[$0] ? .infinity : underflowed[$0] ? 0 : Double.exp(logSums[$0] / Double(flow.samples))
            }
        }
    }
}
