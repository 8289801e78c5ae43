import Tensor

/// The one recurrent step kernel: a cell's four weights and the forward and backward of one time
/// step over a batch, with the weight gradients over all steps. `Recurrent` (every encoder layer)
/// and `AttentionDecoder` both run their time loops on it; the decoder adds its attention context
/// to the input projection before a step, and its gradient to ∂h_{t-1} after one.
///
/// Weights, PyTorch's for `nn.RNN`/`nn.LSTM`/`nn.GRU` and their cells: `W_ih` (G·H, D), `W_hh`
/// (G·H, H), `b_ih`, `b_hh` (G·H), G gate blocks of H rows; a state row holds S vectors of width H
/// (`[h]`, or `[h | c]`), h first.
///
/// Forward of step t (`forward`), given the input projection xp_t = x_t W_ihᵀ + b_ih (+ what the
/// caller feeds):
///
///     hp_t = h_{t-1} W_hhᵀ + b_hh                      (B, G·H)
///     s_t  = cell(xp_t, hp_t, s_{t-1})                  (B, S·H)
///
/// Backward of step t (`backward`), with the carried ∂L/∂s_t from step t+1:
///
///     ∂s_t = carried + [∂h_t | 0]                       (0 on padded rows)
///     (∂xp_t, ∂hp_t, ∂s_{t-1} direct) = cell′(∂s_t)      (∂xp = ∂hp = 0 on padded rows)
///     ∂h_{t-1} += ∂hp_t W_hh                            (padded rows pass `carried` on unchanged)
///
/// After all N = T·B rows (`addWeightGradients`, `addInputWeightGradient`, `inputGradient`):
///
///     ∂W_hh += ∂HPᵀ H_prev    ∂b_ih += Σ ∂XP    ∂b_hh += Σ ∂HP    ∂W_ih[:, cols] += ∂XPᵀ X    ∂X = ∂XP W_ih[:, cols]
///
/// Sequences are right-padded: with `lengths`, row b is real at step t when t < lengths[b]; the
/// decoder passes none (its padded steps' losses are ignored by the caller instead).
public struct RecurrentStep<Scalar: TensorScalar> {
    public let inputSize: Int
    public let hiddenSize: Int
    /// G, S and the cell's cached vectors per unit.
    public let gates: Int, stateVectors: Int, cacheVectors: Int
    /// (G·H, D)
    public let weightIH: Parameter<Scalar>
    /// (G·H, H)
    public let weightHH: Parameter<Scalar>
    /// (1, G·H) each
    public let biasIH: Parameter<Scalar>
    public let biasHH: Parameter<Scalar>

    public var parameters: [Parameter<Scalar>] { [weightIH, weightHH, biasIH, biasHH] }
    /// G·H
    public var gateWidth: Int { gates * hiddenSize }
    /// S·H
    public var stateWidth: Int { stateVectors * hiddenSize }
    /// Scalars a step keeps per row for backward, at least H so that no buffer is empty.
    public var cacheWidth: Int { Swift.max(cacheVectors, 1) * hiddenSize }
    /// Rows per thread in the cell's element-wise loops.
    var rowsPerThread: Int { Swift.max(1, 8192 / gateWidth) }

    /// The weights of `kind`'s cell, named `name("weight_ih")`, `name("weight_hh")`,
    /// `name("bias_ih")`, `name("bias_hh")` and drawn in that order, as PyTorch's: U(−1/√H, 1/√H).
    public init(kind: CellKind, inputSize: Int, hiddenSize: Int, name: (String) -> String,
                generator: inout SeededGenerator) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        (gates, stateVectors, cacheVectors) = (kind.gateCount, kind.stateVectors, kind.cacheCount)
        let gateWidth = gates * hiddenSize, bound = 1 / Double(hiddenSize).squareRoot()
        func make(_ kind: String, _ rows: Int, _ cols: Int, vector: Bool) -> Parameter<Scalar> {
            Parameter(name: name(kind), value: .uniform(rows: rows, cols: cols, bound: bound, using: &generator),
                      shape: vector ? [cols] : nil)
        }
        weightIH = make("weight_ih", gateWidth, inputSize, vector: false)
        weightHH = make("weight_hh", gateWidth, hiddenSize, vector: false)
        biasIH = make("bias_ih", 1, gateWidth, vector: true)
        biasHH = make("bias_hh", 1, gateWidth, vector: true)
    }

    /// W_hh packed for the forward products h_{t-1} W_hhᵀ of one pass.
    public func hiddenProduct() -> PackedWeights<Scalar> { weightHH.forwardWeights() }

    /// W_hh for the backward products ∂hp_t W_hh of one pass over batches of `batch` rows.
    public func hiddenGradientProduct(batch: Int) -> RepeatedProduct<Scalar> {
        weightHH.value.storage.withUnsafeBufferPointer {
            RepeatedProduct(m: batch, k: gateWidth, n: hiddenSize, lda: gateWidth, ldc: stateWidth, accumulate: true,
                            weights: $0.baseAddress!, transposed: false)
        }
    }

    /// Step forward for B rows. Reads `xp` (B, G·H) and `previous` s_{t-1} (B, S·H); writes `hp`
    /// (B, G·H), `next` s_t (B, S·H) and `cache` (B, cacheWidth).
    public func forward<Cell: RecurrentCell>(
        _ cell: Cell, xp: UnsafePointer<Scalar>, hp: UnsafeMutablePointer<Scalar>, previous: UnsafePointer<Scalar>,
        next: UnsafeMutablePointer<Scalar>, cache: UnsafeMutablePointer<Scalar>, batch B: Int,
        hiddenProduct: PackedWeights<Scalar>
    ) {
        let (H, SH, GH, CW) = (hiddenSize, stateWidth, gateWidth, cacheWidth)
        let bias = biasHH.value.storage
        for b in 0..<B { (hp + b * GH).update(from: bias, count: GH) }
        hiddenProduct.product(previous, rows: B, ldx: SH, into: hp, ldy: GH, accumulate: true)   // hp += h_{t-1} W_hhᵀ
        Parallel.forEachChunk(B, minimumPerThread: rowsPerThread) { rows in
            let first = rows.lowerBound
            cell.forward(xp: xp + first * GH, hp: hp + first * GH, previous: previous + first * SH,
                         state: next + first * SH, cache: cache + first * CW, batch: rows.count, hidden: H)
        }
    }

    /// Step backward for B rows. Reads `outputGradient` ∂h_t (B, H; rows `outputStride` apart),
    /// `carried` ∂L/∂s_t from step t+1 (B, S·H), and what `forward` read and wrote (`previous` s_{t-1},
    /// followed B rows later by s_t); writes `stateGradient` ∂s_t (B, S·H), `xpGradient`,
    /// `hpGradient` (B, G·H) and `previousGradient` ∂L/∂s_{t-1} (B, S·H) but for what reaches
    /// h_{t-1} outside the cell (the decoder's attention query). Rows b with step ≥ lengths[b] are
    /// padding.
    public func backward<Cell: RecurrentCell>(
        _ cell: Cell, outputGradient: UnsafePointer<Scalar>, outputStride: Int, carried: UnsafePointer<Scalar>,
        stateGradient: UnsafeMutablePointer<Scalar>, cache: UnsafePointer<Scalar>, previous: UnsafePointer<Scalar>,
        hp: UnsafePointer<Scalar>, xpGradient: UnsafeMutablePointer<Scalar>, hpGradient: UnsafeMutablePointer<Scalar>,
        previousGradient: UnsafeMutablePointer<Scalar>, batch B: Int, padding: (lengths: [Int], step: Int)?,
        hiddenGradientProduct: RepeatedProduct<Scalar>
    ) {
        let (H, SH, GH, CW) = (hiddenSize, stateWidth, gateWidth, cacheWidth)
        func isPadded(_ b: Int) -> Bool { padding.map { $0.step >= $0.lengths[b] } ?? false }
        for b in 0..<B {
            let row = stateGradient + b * SH
            if isPadded(b) {
                row.update(repeating: 0, count: SH)
            } else {
                row.update(from: carried + b * SH, count: SH)
                let dh = outputGradient + b * outputStride
                for j in 0..<H { row[j] += dh[j] }
            }
        }
        Parallel.forEachChunk(B, minimumPerThread: rowsPerThread) { rows in
            let first = rows.lowerBound
            cell.backward(stateGradient: stateGradient + first * SH, cache: cache + first * CW,
                          previous: previous + first * SH, state: previous + (B + first) * SH, hp: hp + first * GH,
                          xpGradient: xpGradient + first * GH, hpGradient: hpGradient + first * GH,
                          previousGradient: previousGradient + first * SH, batch: rows.count, hidden: H)
        }
        guard padding != nil else {
            hiddenGradientProduct(hpGradient, into: previousGradient)   // ∂h_{t-1} += ∂hp_t W_hh
            return
        }
        // Padded rows got a zero gradient, but 0 · NaN = NaN: their ∂xp, ∂hp are zeroed outright, so
        // whatever a padded input holds cannot reach the weight gradients.
        for b in 0..<B where isPadded(b) {
            (xpGradient + b * GH).update(repeating: 0, count: GH)
            (hpGradient + b * GH).update(repeating: 0, count: GH)
        }
        hiddenGradientProduct(hpGradient, into: previousGradient)
        for b in 0..<B where isPadded(b) { (previousGradient + b * SH).update(from: carried + b * SH, count: SH) }
    }

    /// After all N rows of steps: ∂W_hh += ∂HPᵀ H_prev (H_prev the h part of s_0…s_{T-1}, `states`
    /// rows S·H apart), ∂b_ih += Σ ∂XP, ∂b_hh += Σ ∂HP; ∂XP, ∂HP (N, G·H).
    public func addWeightGradients(xpGradient: UnsafePointer<Scalar>, hpGradient: UnsafePointer<Scalar>,
                                   states: UnsafePointer<Scalar>, rows N: Int) {
        let (H, SH, GH) = (hiddenSize, stateWidth, gateWidth)
        Self.addColumnSums(of: xpGradient, rows: N, cols: GH, into: biasIH)
        Self.addColumnSums(of: hpGradient, rows: N, cols: GH, into: biasHH)
        weightHH.gradient.storage.withUnsafeMutableBufferPointer { dW in
            Scalar.gemm(transposeA: true, transposeB: false, m: GH, n: H, k: N, alpha: 1,
                        a: hpGradient, lda: GH, b: states, ldb: SH, beta: 1, c: dW.baseAddress!, ldc: H)
        }
    }

    /// ∂W_ih[:, columns] += ∂XPᵀ X for ∂XP (N, G·H) and the inputs X (N, |columns|; rows `stride` apart).
    public func addInputWeightGradient(xpGradient: UnsafePointer<Scalar>, input: UnsafePointer<Scalar>, stride: Int,
                                       columns: Range<Int>, rows N: Int) {
        let (D, GH) = (inputSize, gateWidth)
        weightIH.gradient.storage.withUnsafeMutableBufferPointer { dW in
            Scalar.gemm(transposeA: true, transposeB: false, m: GH, n: columns.count, k: N, alpha: 1,
                        a: xpGradient, lda: GH, b: input, ldb: stride,
                        beta: 1, c: dW.baseAddress! + columns.lowerBound, ldc: D)
        }
    }

    /// ∂X = ∂XP W_ih[:, columns], (N, |columns|), for ∂XP (N, G·H).
    public func inputGradient(xpGradient: UnsafePointer<Scalar>, columns: Range<Int>, rows N: Int) -> Matrix<Scalar> {
        let (D, GH) = (inputSize, gateWidth)
        var gradient = Matrix<Scalar>(uninitializedRows: N, cols: columns.count)
        weightIH.value.storage.withUnsafeBufferPointer { w in
            gradient.storage.withUnsafeMutableBufferPointer { dx in
                Scalar.gemm(transposeA: false, transposeB: false, m: N, n: columns.count, k: GH, alpha: 1,
                            a: xpGradient, lda: GH, b: w.baseAddress! + columns.lowerBound, ldb: D,
                            beta: 0, c: dx.baseAddress!, ldc: columns.count)
            }
        }
        return gradient
    }

    /// bias.gradient += the column sums of `source` (rows, cols), row after row.
    static func addColumnSums(of source: UnsafePointer<Scalar>, rows: Int, cols: Int, into bias: Parameter<Scalar>) {
        bias.gradient.storage.withUnsafeMutableBufferPointer { out in
            for r in 0..<rows {
                let row = source + r * cols
                for c in 0..<cols { out[c] += row[c] }
            }
        }
    }
}
