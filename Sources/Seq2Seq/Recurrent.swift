import Tensor

/// One recurrent layer run over a batch of sequences: the one place backpropagation through time lives.
///
/// Forward, for t = 1…T, with the cell's element-wise map `cell`:
///
///     xp_t = x_t W_ihᵀ + b_ih                   (all steps in one product: (T·B, D) · (D, G·H))
///     hp_t = h_{t-1} W_hhᵀ + b_hh               (one product per step: (B, H) · (H, G·H))
///     s_t  = cell(xp_t, hp_t, s_{t-1})          s = [h] or [h | c]
///
/// Sequences are right-padded: row b is real for t < lengths[b]. On padded steps the state is carried
/// unchanged and the output is zero, so padding changes neither states nor gradients; the final state
/// of each row is its state after its own last real step (what PyTorch's packed sequences return).
///
/// Backward walks the steps in reverse carrying ∂L/∂s, and then forms the weight gradients with one
/// product each over all steps: ∂W_ih += ∂XPᵀ X, ∂W_hh += ∂HPᵀ H_prev, and ∂X = ∂XP W_ih. The step
/// itself, and the weight gradients, are `RecurrentStep`'s, the kernel the attention decoder shares.
public final class Recurrent<Cell: RecurrentCell, Scalar: TensorScalar>: ParameterOwner {
    public let cell: Cell
    /// The weights and the step kernel.
    public let step: RecurrentStep<Scalar>
    public var inputSize: Int { step.inputSize }
    public var hiddenSize: Int { step.hiddenSize }
    /// (G·H, D)
    public var weightIH: Parameter<Scalar> { step.weightIH }
    /// (G·H, H)
    public var weightHH: Parameter<Scalar> { step.weightHH }
    /// (1, G·H) each
    public var biasIH: Parameter<Scalar> { step.biasIH }
    public var biasHH: Parameter<Scalar> { step.biasHH }

    public var parameters: [Parameter<Scalar>] { step.parameters }

    /// Diagnostics of the last backward pass: ‖∂L/∂h_t‖ (Frobenius norm over the batch) for each
    /// step t = 0…T−1, the total gradient reaching the hidden state at that step. With the loss on
    /// the last step only, it shows how the gradient vanishes or explodes with distance.
    public private(set) var hiddenGradientNorms: [Double] = []
    /// The same by distance from each sequence's own last real step: entry d is the norm over the
    /// rows of ∂L/∂h at step lengths[b] − 1 − d (d = 0…max(lengths) − 1), so sequences of different
    /// lengths line up at their ends, where a loss on the final state enters.
    public private(set) var hiddenGradientNormsFromEnd: [Double] = []
    /// Width of a state row: S·H.
    public var stateWidth: Int { step.stateWidth }

    /// Parameters are named `\(prefix)weight_ih\(suffix)` and so on; for PyTorch's names use
    /// suffix `_l0`, `_l0_reverse`, .... Initialisation as PyTorch's: U(−1/√H, 1/√H) everywhere.
    public init(
        cell: Cell, inputSize: Int, hiddenSize: Int, prefix: String = "", suffix: String = "_l0",
        generator: inout SeededGenerator
    ) {
        self.cell = cell
        step = RecurrentStep(kind: CellKind(cell), inputSize: inputSize, hiddenSize: hiddenSize,
                             name: { prefix + $0 + suffix }, generator: &generator)
    }

    /// What forward keeps for backward.
    public struct Cache {
        let input: Matrix<Scalar>        // (T·B, D), padded rows zeroed
        let lengths: [Int]               // B
        /// hp (T·B, G·H), states ((T+1)·B, S·H; rows 0..<B hold s_0), the cell's cache (T·B, cacheWidth)
        let buffers: Workspace<Scalar>
        var hp: UnsafeMutablePointer<Scalar> { buffers[0] }
        var states: UnsafeMutablePointer<Scalar> { buffers[1] }
        var cellCache: UnsafeMutablePointer<Scalar> { buffers[2] }
        var batch: Int { lengths.count }
        var steps: Int { input.rows / lengths.count }
    }

    /// Runs the layer over `input` (T·B, D), time-major, with `lengths` (B) of the sequences.
    /// `initialState` (B, S·H) defaults to zeros. Returns the outputs `h_t` (T·B, H), zero on
    /// padded steps, and the final state (B, S·H).
    public func forward(
        _ input: Matrix<Scalar>, lengths: [Int], initialState: Matrix<Scalar>? = nil
    ) -> (output: Matrix<Scalar>, finalState: Matrix<Scalar>, cache: Cache) {
        let B = lengths.count, H = hiddenSize, SH = stateWidth, GH = step.gateWidth, CW = step.cacheWidth
        precondition(B > 0 && input.rows % B == 0, "input rows \(input.rows) not a multiple of batch \(B)")
        precondition(input.cols == inputSize, "input width \(input.cols), layer expects \(inputSize)")
        let T = input.rows / B
        precondition(lengths.allSatisfy { $0 >= 0 && $0 <= T }, "lengths \(lengths) outside 0...\(T)")
        // Padded input rows are zeroed once here, so whatever they held (even NaN) reaches neither
        // the projections nor, through ∂W_ih = ∂XPᵀ X, the gradients.
        var input = input
        for t in 0..<T { for b in 0..<B where t >= lengths[b] {
            let row = (t * B + b) * inputSize
            if input.storage[row..<(row + inputSize)].contains(where: { $0 != 0 }) {
                input.storage.replaceSubrange(row..<(row + inputSize), with: repeatElement(0, count: inputSize))
            }
        } }

        var xp = weightIH.forwardProduct(input)   // (T·B, G·H)
        xp.addRowVector(biasIH.value)
        // Every step overwrites its rows completely; only s_0 is set here.
        let buffers = Workspace<Scalar>([T * B * GH, (T + 1) * B * SH, T * B * CW])
        let cache = Cache(input: input, lengths: lengths, buffers: buffers)
        let (hp, states, cellCache) = (cache.hp, cache.states, cache.cellCache)
        if let initialState {
            precondition(initialState.rows == B && initialState.cols == SH, "initial state shape")
            states.update(from: initialState.storage, count: B * SH)
        } else {
            states.update(repeating: 0, count: B * SH)
        }
        var output = Matrix<Scalar>(rows: T * B, cols: H)
        let hiddenProduct = step.hiddenProduct()   // W_hh packed once for all T steps
        xp.storage.withUnsafeBufferPointer { xpBuffer in
        output.storage.withUnsafeMutableBufferPointer { outputBuffer in
            for t in 0..<T {
                let previous = states + t * B * SH, next = previous + B * SH
                step.forward(cell, xp: xpBuffer.baseAddress! + t * B * GH, hp: hp + t * B * GH, previous: previous,
                             next: next, cache: cellCache + t * B * CW, batch: B, hiddenProduct: hiddenProduct)
                let outputStep = outputBuffer.baseAddress! + t * B * H
                for b in 0..<B {
                    if t < lengths[b] {
                        (outputStep + b * H).update(from: next + b * SH, count: H)
                    } else {   // padded: carry the state, output stays zero
                        (next + b * SH).update(from: previous + b * SH, count: SH)
                    }
                }
            }
        }}
        let finalState = Matrix(rows: B, cols: SH, storage: Array(UnsafeBufferPointer(start: states + T * B * SH, count: B * SH)))
        return (output, finalState, cache)
    }

    /// Backpropagates `outputGradient` (T·B, H) and `finalStateGradient` (B, S·H, optional) through
    /// the layer. Adds into the parameters' gradients; returns ∂L/∂input (T·B, D) and ∂L/∂initial
    /// state (B, S·H). Gradients on padded output steps are ignored.
    public func backward(
        outputGradient: Matrix<Scalar>, finalStateGradient: Matrix<Scalar>? = nil, cache: Cache
    ) -> (inputGradient: Matrix<Scalar>, initialStateGradient: Matrix<Scalar>) {
        let B = cache.batch, T = cache.steps, H = hiddenSize, SH = stateWidth, GH = step.gateWidth, CW = step.cacheWidth
        precondition(outputGradient.rows == T * B && outputGradient.cols == H, "output gradient shape")
        // ∂XP, ∂HP (T·B, G·H), every step writing its rows; ∂s_t, and two (B, S·H) buffers for the
        // carried ∂L/∂s that trade places each step.
        let buffers = Workspace<Scalar>([T * B * GH, T * B * GH, B * SH, B * SH, B * SH], zeroed: [2, 3, 4])
        let (xpGradient, hpGradient, stepGradient) = (buffers[0], buffers[1], buffers[2])
        var (carried, previousGradient) = (buffers[3], buffers[4])
        if let finalStateGradient {
            precondition(finalStateGradient.rows == B && finalStateGradient.cols == SH, "final state gradient shape")
            carried.update(from: finalStateGradient.storage, count: B * SH)
        }
        let hiddenGradientProduct = step.hiddenGradientProduct(batch: B)   // W_hh packed once
        var norms = [Double](repeating: 0, count: T), squaresFromEnd = [Double](repeating: 0, count: cache.lengths.max() ?? 0)
        outputGradient.storage.withUnsafeBufferPointer { outputGradientBuffer in
            for t in stride(from: T - 1, through: 0, by: -1) {
                step.backward(cell, outputGradient: outputGradientBuffer.baseAddress! + t * B * H, outputStride: H,
                              carried: carried, stateGradient: stepGradient, cache: cache.cellCache + t * B * CW,
                              previous: cache.states + t * B * SH, hp: cache.hp + t * B * GH,
                              xpGradient: xpGradient + t * B * GH, hpGradient: hpGradient + t * B * GH,
                              previousGradient: previousGradient, batch: B, padding: (cache.lengths, t),
                              hiddenGradientProduct: hiddenGradientProduct)
                var squares: Scalar = 0
                for b in 0..<B {
                    var row: Scalar = 0
                    for j in 0..<H { row += stepGradient[b * SH + j] * stepGradient[b * SH + j] }
                    squares += row
                    if t < cache.lengths[b] { squaresFromEnd[cache.lengths[b] - 1 - t] += Double(row) }
                }
                norms[t] = Double(squares).squareRoot()
                swap(&carried, &previousGradient)
            }
        }
        hiddenGradientNorms = norms
        hiddenGradientNormsFromEnd = squaresFromEnd.map { $0.squareRoot() }

        // Weight gradients over all steps at once.
        cache.input.storage.withUnsafeBufferPointer { input in
            step.addInputWeightGradient(xpGradient: xpGradient, input: input.baseAddress!, stride: inputSize,
                                        columns: 0..<inputSize, rows: T * B)
        }
        step.addWeightGradients(xpGradient: xpGradient, hpGradient: hpGradient, states: cache.states, rows: T * B)
        let inputGradient = step.inputGradient(xpGradient: xpGradient, columns: 0..<inputSize, rows: T * B)   // (T·B, D)
        return (inputGradient, Matrix(rows: B, cols: SH, storage: Array(UnsafeBufferPointer(start: carried, count: B * SH))))
    }
}
