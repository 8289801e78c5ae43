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

        var xp = Matrix.product(input, weightIH.value, transposeB: true)   // (T·B, G·H)
        xp.addRowVector(biasIH.value)
        var hp = Matrix<Scalar>(rows: T * B, cols: GH)
        var states = Matrix<Scalar>(rows: (T + 1) * B, cols: SH)
        if let initialState {
            precondition(initialState.rows == B && initialState.cols == SH, "initial state shape")
            states.storage.replaceSubrange(0..<(B * SH), with: initialState.storage)
        }
        var cellCache = Matrix<Scalar>(rows: T * B, cols: Swift.max(cellWidth, 1))
        let cellStride = Swift.max(cellWidth, 1) * B
        let biasHH = self.biasHH.value.storage
        let cell = self.cell

        xp.storage.withUnsafeBufferPointer { xpBuffer in
        hp.storage.withUnsafeMutableBufferPointer { hpBuffer in
        states.storage.withUnsafeMutableBufferPointer { stateBuffer in
        cellCache.storage.withUnsafeMutableBufferPointer { cacheBuffer in
        weightHH.value.storage.withUnsafeBufferPointer { whh in
            let xpBase = xpBuffer.baseAddress!, hpBase = hpBuffer.baseAddress!
            let stateBase = stateBuffer.baseAddress!, cacheBase = cacheBuffer.baseAddress!
            for t in 0..<T {
                let hpStep = hpBase + t * B * GH
                for b in 0..<B { (hpStep + b * GH).update(from: biasHH, count: GH) }
                let previous = stateBase + t * B * SH, next = previous + B * SH
                Scalar.gemm(transposeA: false, transposeB: true, m: B, n: GH, k: H,
                            alpha: 1, a: previous, lda: SH, b: whh.baseAddress!, ldb: H,
                            beta: 1, c: hpStep, ldc: GH)
                cell.forward(xp: xpBase + t * B * GH, hp: hpStep, previous: previous, state: next,
                             cache: cacheBase + t * cellStride, batch: B, hidden: H)
                for b in 0..<B where t >= lengths[b] {
                    (next + b * SH).update(from: previous + b * SH, count: SH)
                }
            }
        }}}}}

        var output = Matrix<Scalar>(rows: T * B, cols: H)
        for t in 0..<T {
            for b in 0..<B where t < lengths[b] {
                let source = ((t + 1) * B + b) * SH, target = (t * B + b) * H
                for j in 0..<H { output.storage[target + j] = states.storage[source + j] }
            }
        }
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
        let cellStride = Swift.max(Cell.cacheCount * H, 1) * B

        var carry = finalStateGradient ?? Matrix(rows: B, cols: SH)   // ∂L/∂s_t, (B, S·H)
        precondition(carry.rows == B && carry.cols == SH, "final state gradient shape")
        var stepGradient = Matrix<Scalar>(rows: B, cols: SH)
        var previousGradient = Matrix<Scalar>(rows: B, cols: SH)
        var xpGradient = Matrix<Scalar>(rows: T * B, cols: GH)
        var hpGradient = Matrix<Scalar>(rows: T * B, cols: GH)
        let cell = self.cell

        for t in stride(from: T - 1, through: 0, by: -1) {
            // ∂L/∂s_t on real rows: the carried gradient plus the output's; padded rows pass through.
            for b in 0..<B {
                for k in 0..<SH {
                    stepGradient.storage[b * SH + k] = t < lengths[b] ? carry.storage[b * SH + k] : 0
                }
                if t < lengths[b] {
                    for j in 0..<H { stepGradient.storage[b * SH + j] += outputGradient.storage[(t * B + b) * H + j] }
                }
            }
            cache.states.storage.withUnsafeBufferPointer { states in
            cache.cellCache.storage.withUnsafeBufferPointer { cellCache in
            cache.hp.storage.withUnsafeBufferPointer { hp in
            stepGradient.storage.withUnsafeBufferPointer { dStep in
            xpGradient.storage.withUnsafeMutableBufferPointer { dxp in
            hpGradient.storage.withUnsafeMutableBufferPointer { dhp in
            previousGradient.storage.withUnsafeMutableBufferPointer { dPrevious in
            weightHH.value.storage.withUnsafeBufferPointer { whh in
                let previous = states.baseAddress! + t * B * SH
                cell.backward(
                    stateGradient: dStep.baseAddress!, cache: cellCache.baseAddress! + t * cellStride,
                    previous: previous, state: previous + B * SH, hp: hp.baseAddress! + t * B * GH,
                    xpGradient: dxp.baseAddress! + t * B * GH, hpGradient: dhp.baseAddress! + t * B * GH,
                    previousGradient: dPrevious.baseAddress!, batch: B, hidden: H)
                // ∂L/∂h_{t-1} += ∂hp_t · W_hh    (B, G·H) · (G·H, H)
                Scalar.gemm(transposeA: false, transposeB: false, m: B, n: H, k: GH,
                            alpha: 1, a: dhp.baseAddress! + t * B * GH, lda: GH,
                            b: whh.baseAddress!, ldb: H, beta: 1, c: dPrevious.baseAddress!, ldc: SH)
            }}}}}}}}
            for b in 0..<B where t >= lengths[b] {
                for k in 0..<SH { previousGradient.storage[b * SH + k] = carry.storage[b * SH + k] }
            }
            swap(&carry, &previousGradient)
        }

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
