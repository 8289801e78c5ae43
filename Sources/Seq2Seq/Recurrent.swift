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
/// product each over all steps: ∂W_ih += ∂XPᵀ X, ∂W_hh += ∂HPᵀ H_prev, and ∂X = ∂XP W_ih.
public final class Recurrent<Cell: RecurrentCell, Scalar: TensorScalar>: ParameterOwner {
    public let cell: Cell
    public let inputSize: Int
    public let hiddenSize: Int
    /// (G·H, D)
    public let weightIH: Parameter<Scalar>
    /// (G·H, H)
    public let weightHH: Parameter<Scalar>
    /// (1, G·H) each
    public let biasIH: Parameter<Scalar>
    public let biasHH: Parameter<Scalar>

    public var parameters: [Parameter<Scalar>] { [weightIH, weightHH, biasIH, biasHH] }

    /// Diagnostics of the last backward pass: ‖∂L/∂h_t‖ (Frobenius norm over the batch) for each
    /// step t = 0…T−1, the total gradient reaching the hidden state at that step. With the loss on
    /// the last step only, it shows how the gradient vanishes or explodes with distance.
    public private(set) var hiddenGradientNorms: [Double] = []
    /// Width of a state row: S·H.
    public var stateWidth: Int { Cell.stateCount * hiddenSize }
    var gateWidth: Int { Cell.gateCount * hiddenSize }

    /// Parameters are named `\(prefix)weight_ih\(suffix)` and so on; for PyTorch's names use
    /// suffix `_l0`, `_l0_reverse`, .... Initialisation as PyTorch's: U(−1/√H, 1/√H) everywhere.
    public init(
        cell: Cell, inputSize: Int, hiddenSize: Int, prefix: String = "", suffix: String = "_l0",
        generator: inout SeededGenerator
    ) {
        self.cell = cell
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        let gates = Cell.gateCount * hiddenSize
        let bound = 1 / Double(hiddenSize).squareRoot()
        func make(_ kind: String, _ rows: Int, _ cols: Int, vector: Bool) -> Parameter<Scalar> {
            Parameter(name: "\(prefix)\(kind)\(suffix)",
                      value: .uniform(rows: rows, cols: cols, bound: bound, using: &generator),
                      shape: vector ? [cols] : nil)
        }
        weightIH = make("weight_ih", gates, inputSize, vector: false)
        weightHH = make("weight_hh", gates, hiddenSize, vector: false)
        biasIH = make("bias_ih", 1, gates, vector: true)
        biasHH = make("bias_hh", 1, gates, vector: true)
    }

    /// What forward keeps for backward.
    public struct Cache {
        let input: Matrix<Scalar>        // (T·B, D)
        let lengths: [Int]               // B
        let hp: Matrix<Scalar>           // (T·B, G·H)
        let states: Matrix<Scalar>       // ((T+1)·B, S·H); rows 0..<B hold the initial state
        let cellCache: Matrix<Scalar>    // (T·B, C·H)
        var batch: Int { lengths.count }
        var steps: Int { input.rows / lengths.count }
    }

    /// Runs the layer over `input` (T·B, D), time-major, with `lengths` (B) of the sequences.
    /// `initialState` (B, S·H) defaults to zeros. Returns the outputs `h_t` (T·B, H), zero on
    /// padded steps, and the final state (B, S·H).
    public func forward(
        _ input: Matrix<Scalar>, lengths: [Int], initialState: Matrix<Scalar>? = nil
    ) -> (output: Matrix<Scalar>, finalState: Matrix<Scalar>, cache: Cache) {
        let B = lengths.count, H = hiddenSize, SH = stateWidth, GH = gateWidth
        precondition(B > 0 && input.rows % B == 0, "input rows \(input.rows) not a multiple of batch \(B)")
        precondition(input.cols == inputSize, "input width \(input.cols), layer expects \(inputSize)")
        let T = input.rows / B
        precondition(lengths.allSatisfy { $0 >= 0 && $0 <= T }, "lengths \(lengths) outside 0...\(T)")
        let cellWidth = Cell.cacheCount * H
        // Padded input rows are zeroed once here, so whatever they held (even NaN) reaches neither
        // the projections nor, through ∂W_ih = ∂XPᵀ X, the gradients.
        var input = input
        for t in 0..<T { for b in 0..<B where t >= lengths[b] {
            let row = (t * B + b) * inputSize
            if input.storage[row..<(row + inputSize)].contains(where: { $0 != 0 }) {
                input.storage.replaceSubrange(row..<(row + inputSize), with: repeatElement(0, count: inputSize))
            }
        } }

        var xp = Matrix.product(input, weightIH.value, transposeB: true)   // (T·B, G·H)
        xp.addRowVector(biasIH.value)
        // Buffers every step overwrites completely start uninitialised; only s_0 is set here.
        var hp = Matrix<Scalar>(uninitializedRows: T * B, cols: GH)
        var states = Matrix<Scalar>(uninitializedRows: (T + 1) * B, cols: SH)
        if let initialState {
            precondition(initialState.rows == B && initialState.cols == SH, "initial state shape")
            states.storage.replaceSubrange(0..<(B * SH), with: initialState.storage)
        } else {
            states.storage.withUnsafeMutableBufferPointer { $0.baseAddress!.update(repeating: 0, count: B * SH) }
        }
        let cacheWidth = Swift.max(cellWidth, 1)
        var cellCache = Matrix<Scalar>(uninitializedRows: T * B, cols: cacheWidth)
        var output = Matrix<Scalar>(rows: T * B, cols: H)
        let biasHH = self.biasHH.value.storage
        let cell = self.cell
        let rowsPerThread = Swift.max(1, 8192 / GH)

        xp.storage.withUnsafeBufferPointer { xpBuffer in
        hp.storage.withUnsafeMutableBufferPointer { hpBuffer in
        states.storage.withUnsafeMutableBufferPointer { stateBuffer in
        cellCache.storage.withUnsafeMutableBufferPointer { cacheBuffer in
        output.storage.withUnsafeMutableBufferPointer { outputBuffer in
        // hp_t (B, G·H) += h_{t-1} (B, H; rows S·H apart) · W_hhᵀ, W_hh packed once for all T steps.
        let stepProduct = weightHH.value.storage.withUnsafeBufferPointer {
            RepeatedProduct(m: B, k: H, n: GH, lda: SH, ldc: GH, accumulate: true,
                            weights: $0.baseAddress!, transposed: true)
        }
        do {
            let xpBase = xpBuffer.baseAddress!, hpBase = hpBuffer.baseAddress!
            let stateBase = stateBuffer.baseAddress!, cacheBase = cacheBuffer.baseAddress!
            for t in 0..<T {
                let xpStep = xpBase + t * B * GH, hpStep = hpBase + t * B * GH
                let cacheStep = cacheBase + t * B * cacheWidth
                for b in 0..<B { (hpStep + b * GH).update(from: biasHH, count: GH) }
                let previous = stateBase + t * B * SH, next = previous + B * SH
                stepProduct(previous, into: hpStep)   // hp_t += h_{t-1} W_hhᵀ
                Parallel.forEachChunk(B, minimumPerThread: rowsPerThread) { rows in
                    let first = rows.lowerBound
                    cell.forward(xp: xpStep + first * GH, hp: hpStep + first * GH,
                                 previous: previous + first * SH, state: next + first * SH,
                                 cache: cacheStep + first * cacheWidth, batch: rows.count, hidden: H)
                }
                let outputStep = outputBuffer.baseAddress! + t * B * H
                for b in 0..<B {
                    if t < lengths[b] {
                        (outputStep + b * H).update(from: next + b * SH, count: H)
                    } else {   // padded: carry the state, output stays zero
                        (next + b * SH).update(from: previous + b * SH, count: SH)
                    }
                }
            }
        }}}}}}

        let finalState = states.rows((T * B)..<((T + 1) * B))
        return (output, finalState,
                Cache(input: input, lengths: lengths, hp: hp, states: states, cellCache: cellCache))
    }

    /// Backpropagates `outputGradient` (T·B, H) and `finalStateGradient` (B, S·H, optional) through
    /// the layer. Adds into the parameters' gradients; returns ∂L/∂input (T·B, D) and ∂L/∂initial
    /// state (B, S·H). Gradients on padded output steps are ignored.
    public func backward(
        outputGradient: Matrix<Scalar>, finalStateGradient: Matrix<Scalar>? = nil, cache: Cache
    ) -> (inputGradient: Matrix<Scalar>, initialStateGradient: Matrix<Scalar>) {
        let B = cache.batch, T = cache.steps, H = hiddenSize, SH = stateWidth, GH = gateWidth
        precondition(outputGradient.rows == T * B && outputGradient.cols == H, "output gradient shape")
        let lengths = cache.lengths
        let cacheWidth = cache.cellCache.cols
        let rowsPerThread = Swift.max(1, 8192 / GH)

        var carry = finalStateGradient ?? Matrix(rows: B, cols: SH)   // ∂L/∂s_t, (B, S·H)
        precondition(carry.rows == B && carry.cols == SH, "final state gradient shape")
        var stepGradient = Matrix<Scalar>(rows: B, cols: SH)
        var previousGradient = Matrix<Scalar>(rows: B, cols: SH)
        var xpGradient = Matrix<Scalar>(uninitializedRows: T * B, cols: GH)   // every step writes its rows
        var hpGradient = Matrix<Scalar>(uninitializedRows: T * B, cols: GH)
        let cell = self.cell

        cache.states.storage.withUnsafeBufferPointer { statesBuffer in
        cache.cellCache.storage.withUnsafeBufferPointer { cellCacheBuffer in
        cache.hp.storage.withUnsafeBufferPointer { hpBuffer in
        outputGradient.storage.withUnsafeBufferPointer { outputGradientBuffer in
        stepGradient.storage.withUnsafeMutableBufferPointer { stepBuffer in
        carry.storage.withUnsafeMutableBufferPointer { carryBuffer in
        previousGradient.storage.withUnsafeMutableBufferPointer { previousBuffer in
        xpGradient.storage.withUnsafeMutableBufferPointer { dxpBuffer in
        hpGradient.storage.withUnsafeMutableBufferPointer { dhpBuffer in
        // ∂L/∂h_{t-1} (B, H; rows S·H apart) += ∂hp_t (B, G·H) · W_hh (G·H, H), W_hh packed once.
        let stepProduct = weightHH.value.storage.withUnsafeBufferPointer {
            RepeatedProduct(m: B, k: GH, n: H, lda: GH, ldc: SH, accumulate: true,
                            weights: $0.baseAddress!, transposed: false)
        }
        do {
            let dStep = stepBuffer.baseAddress!
            var dCarry = carryBuffer.baseAddress!, dPrevious = previousBuffer.baseAddress!
            var norms = [Double](repeating: 0, count: T)
            for t in stride(from: T - 1, through: 0, by: -1) {
                // ∂L/∂s_t on real rows: the carried gradient plus the output's; padded rows get none.
                let dOutput = outputGradientBuffer.baseAddress! + t * B * H
                for b in 0..<B {
                    let row = dStep + b * SH
                    if t < lengths[b] {
                        row.update(from: dCarry + b * SH, count: SH)
                        let dy = dOutput + b * H
                        for j in 0..<H { row[j] += dy[j] }
                    } else {
                        row.update(repeating: 0, count: SH)
                    }
                }
                var squares: Scalar = 0
                for b in 0..<B { for j in 0..<H { squares += dStep[b * SH + j] * dStep[b * SH + j] } }
                norms[t] = Double(squares).squareRoot()
                let previous = statesBuffer.baseAddress! + t * B * SH
                let cacheStep = cellCacheBuffer.baseAddress! + t * B * cacheWidth
                let hpStep = hpBuffer.baseAddress! + t * B * GH
                let dxpStep = dxpBuffer.baseAddress! + t * B * GH, dhpStep = dhpBuffer.baseAddress! + t * B * GH
                Parallel.forEachChunk(B, minimumPerThread: rowsPerThread) { rows in
                    let first = rows.lowerBound
                    cell.backward(
                        stateGradient: dStep + first * SH, cache: cacheStep + first * cacheWidth,
                        previous: previous + first * SH, state: previous + (B + first) * SH,
                        hp: hpStep + first * GH, xpGradient: dxpStep + first * GH,
                        hpGradient: dhpStep + first * GH, previousGradient: dPrevious + first * SH,
                        batch: rows.count, hidden: H)
                }
                // Padded rows got a zero gradient, but 0 · NaN = NaN: zero their ∂xp, ∂hp outright, so
                // whatever a padded input holds cannot reach the weight gradients.
                for b in 0..<B where t >= lengths[b] {
                    (dxpStep + b * GH).update(repeating: 0, count: GH)
                    (dhpStep + b * GH).update(repeating: 0, count: GH)
                }
                stepProduct(dhpStep, into: dPrevious)   // ∂L/∂h_{t-1} += ∂hp_t · W_hh
                // Padded rows pass the carried gradient through unchanged.
                for b in 0..<B where t >= lengths[b] {
                    (dPrevious + b * SH).update(from: dCarry + b * SH, count: SH)
                }
                swap(&dCarry, &dPrevious)
            }
            // After an odd number of steps the latest gradient sits in `previousGradient`'s buffer.
            if T % 2 == 1 { carryBuffer.baseAddress!.update(from: previousBuffer.baseAddress!, count: B * SH) }
            hiddenGradientNorms = norms
        }}}}}}}}}}

        // Weight gradients over all steps at once.
        weightIH.gradient.addProduct(xpGradient, cache.input, transposeA: true)
        biasIH.gradient.addColumnSums(of: xpGradient)
        biasHH.gradient.addColumnSums(of: hpGradient)
        let GHrows = GH
        cache.states.storage.withUnsafeBufferPointer { states in
            hpGradient.storage.withUnsafeBufferPointer { dhp in
                weightHH.gradient.storage.withUnsafeMutableBufferPointer { dW in
                    // ∂W_hh += ∂HPᵀ (G·H, T·B) · H_prev (T·B, H), H_prev = h part of s_0…s_{T-1}
                    Scalar.gemm(transposeA: true, transposeB: false, m: GHrows, n: H, k: T * B,
                                alpha: 1, a: dhp.baseAddress!, lda: GH, b: states.baseAddress!, ldb: SH,
                                beta: 1, c: dW.baseAddress!, ldc: H)
                }
            }
        }
        let inputGradient = Matrix.product(xpGradient, weightIH.value)   // (T·B, D)
        return (inputGradient, carry)
    }
}
