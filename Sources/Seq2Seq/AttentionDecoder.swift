import Embedding
import Tensor

/// The decoder of an attention translator (Bahdanau et al. 2015): at each target step it attends
/// over the encoder outputs with its previous state, feeds the context into its cell with the
/// previous target word, and predicts the next word from its new state and the context.
///
///     c_t = attention(h_{t-1}, m)                                   (B, Dm)
///     s_t = cell([E[y_{t-1}] ; c_t], s_{t-1})                         (B, S·Hd), h_t its first Hd
///     o_t = [h_t ; c_t]                                             (B, Hd + Dm)
///     z_t = dropout(o_t) W_outᵀ + b_out                             (B, V) logits
///
/// With tied embeddings the output layer reuses the target embedding E (V, E) through a projection
/// to its width (Press & Wolf 2017): z_t = (dropout(o_t) W_pᵀ + b_p) Eᵀ + b_out, and E receives the
/// gradients of both uses.
///
/// Feeding the context into the cell is what makes each step's alignment depend on the earlier
/// ones (the role of Luong's input feeding). Training uses teacher forcing: y_{t-1} is the
/// reference word. BPTT runs back through every step, the attention and the cell, into the
/// encoder outputs (through the attention's values and keys) and the initial state.
///
/// The cell's input projection splits into its word and context parts, W_ih = [W_e | W_c]; the word
/// part of every step is one product over all steps, the context part one product per step:
///
///     xp_t = E[y_{t-1}] W_eᵀ + b_ih + c_t W_cᵀ        hp_t = h_{t-1} W_hhᵀ + b_hh
///
/// The cell's step and its weight gradients are `RecurrentStep`'s, the kernel `Recurrent` runs too;
/// the decoder's own part is the attention around it. The products of each step, and at inference
/// the output layer's, run on weights packed once
/// (`PackedWeights`): once per `forward` for training; for inference, once and then kept across
/// calls of `step` until a weight changes (`dnnl_sgemm` would repack the V × (Hd + Dm) output layer
/// at every step).
///
/// Parameters under `prefix`: `embedding.weight` (V, E) with row 0 `<pad>`, the cell's PyTorch
/// `nn.GRUCell`/`nn.LSTMCell` names `cell.weight_ih` (G·Hd, E + Dm), `cell.weight_hh`, `cell.bias_ih`,
/// `cell.bias_hh`, the attention's under `attention.`, and `output.weight` (V, Hd + Dm), `output.bias`.
public final class AttentionDecoder<Scalar: TensorScalar>: ParameterOwner {
    public let cell: CellKind
    public let embedding: Embedding<Scalar>
    public let attention: Attention<Scalar>
    /// The cell's weights, W_ih (G·Hd, E + Dm) = [W_e | W_c], W_hh (G·Hd, Hd), b_ih, b_hh, and its step.
    public let step: RecurrentStep<Scalar>
    /// The output layer; with tied embeddings its weight is the embedding table itself.
    public let output: Linear<Scalar>
    /// Tied embeddings only: o_t (Hd + Dm) → E, the output layer's input.
    public let projection: Linear<Scalar>?
    public let parameters: [Parameter<Scalar>]
    let dropout: Dropout
    var generator: SeededGenerator
    /// The packed weights `step` uses, kept while they are current.
    let inferenceProducts = DerivedValueCache<StepProducts>()

    public let hiddenSize: Int
    public let memorySize: Int
    public var embeddingDimension: Int { embedding.dimension }
    public var vocabularySize: Int { embedding.vocabularySize }
    /// Width of a state row, S·Hd.
    public var stateWidth: Int { step.stateWidth }
    var outputWidth: Int { hiddenSize + memorySize }

    public init(
        cell: CellKind, vocabularySize: Int, embeddingDimension: Int, hiddenSize: Int, memorySize: Int,
        attention score: AttentionScore, attentionSize: Int, dropout: Double, tieEmbeddings: Bool = false,
        prefix: String, generator: inout SeededGenerator
    ) {
        self.cell = cell
        self.hiddenSize = hiddenSize
        self.memorySize = memorySize
        embedding = Embedding(vocabularySize: vocabularySize, dimension: embeddingDimension, pretrained: nil,
                              frozen: false, name: prefix + "embedding.weight", generator: &generator)
        attention = Attention(score: score, querySize: hiddenSize, memorySize: memorySize,
                              attentionSize: attentionSize, prefix: prefix + "attention.", generator: &generator)
        step = RecurrentStep(kind: cell, inputSize: embeddingDimension + memorySize, hiddenSize: hiddenSize,
                             name: { prefix + "cell." + $0 }, generator: &generator)
        if tieEmbeddings {
            projection = Linear(inputSize: hiddenSize + memorySize, outputSize: embeddingDimension,
                                prefix: prefix + "projection.", generator: &generator)
            let bound = 1 / Double(embeddingDimension).squareRoot()
            output = Linear(weight: embedding.parameters[0], bias: Parameter(
                name: prefix + "output.bias", value: .uniform(rows: 1, cols: vocabularySize, bound: bound, using: &generator),
                shape: [vocabularySize]))
        } else {
            projection = nil
            output = Linear(inputSize: hiddenSize + memorySize, outputSize: vocabularySize, prefix: prefix + "output.",
                            generator: &generator)
        }
        self.dropout = Dropout(rate: dropout)
        self.generator = generator.split()
        // Tied: the shared table is listed once, as the embedding's.
        let outputParameters = projection == nil ? output.parameters : projection!.parameters + [output.bias!]
        parameters = embedding.parameters + step.parameters + attention.parameters + outputParameters
    }

    /// The exact position of the dropout generator, for checkpoints.
    public var dropoutGenerator: SeededGenerator {
        get { generator }
        set { generator = newValue }
    }

    /// The buffers of T steps over a batch of B, in one workspace: what forward writes and backward
    /// reads.
    final class Steps {
        let batch: Int
        let count: Int
        let buffers: Workspace<Scalar>
        /// ((T+1)·B, S·Hd); rows 0..<B hold s_0
        var states: UnsafeMutablePointer<Scalar> { buffers[0] }
        /// (T·B, G·Hd) each: the cell's input projections (word and context parts) and hp_t
        var xp: UnsafeMutablePointer<Scalar> { buffers[1] }
        var hp: UnsafeMutablePointer<Scalar> { buffers[2] }
        /// (T·B, cacheWidth)
        var cellCache: UnsafeMutablePointer<Scalar> { buffers[3] }
        /// (T·B, Hd): h_{t-1}
        var queries: UnsafeMutablePointer<Scalar> { buffers[4] }
        /// (T·B, S_src): the attention weights
        var weights: UnsafeMutablePointer<Scalar> { buffers[5] }
        /// (B, Dm): c_t of the current step
        var context: UnsafeMutablePointer<Scalar> { buffers[6] }
        /// (T·B, A): W_q h_{t-1}; additive attention only
        let projected: UnsafeMutablePointer<Scalar>?
        /// A, the width of `projected`; 0 unless additive
        let projectedWidth: Int
        /// (T·B, Hd + Dm): o_t = [h_t ; c_t], the output layer's input
        var outputs: Matrix<Scalar>

        init(decoder: AttentionDecoder, batch B: Int, steps T: Int, sourceSteps: Int, initialState: Matrix<Scalar>) {
            precondition(initialState.rows == B && initialState.cols == decoder.stateWidth,
                         "initial state (\(initialState.rows), \(initialState.cols)), expected (\(B), \(decoder.stateWidth))")
            let step = decoder.step
            (batch, count) = (B, T)
            projectedWidth = decoder.attention.score == .additive ? decoder.attention.key!.outputSize : 0
            buffers = Workspace([(T + 1) * B * step.stateWidth, T * B * step.gateWidth, T * B * step.gateWidth,
                                 T * B * step.cacheWidth, T * B * decoder.hiddenSize, T * B * sourceSteps,
                                 B * decoder.memorySize, T * B * projectedWidth])
            projected = projectedWidth > 0 ? buffers[7] : nil
            buffers[0].update(from: initialState.storage, count: initialState.count)
            outputs = Matrix(uninitializedRows: T * B, cols: decoder.outputWidth)
        }
    }

    /// The step's weights packed for products with any number of rows: W_q (additive attention),
    /// the word and context blocks W_e and W_c of W_ih, W_hh, and for inference W_out.
    struct StepProducts {
        let query: PackedWeights<Scalar>?
        let word: PackedWeights<Scalar>
        let context: PackedWeights<Scalar>
        let hidden: PackedWeights<Scalar>
        let output: PackedWeights<Scalar>?

        init(_ decoder: AttentionDecoder, output: Bool) {
            let (E, inputs) = (decoder.embeddingDimension, decoder.step.weightIH.value)
            query = decoder.attention.query.map { $0.weight.forwardWeights() }
            word = PackedWeights(inputs, columns: 0..<E)
            context = PackedWeights(inputs, columns: E..<inputs.cols)
            hidden = decoder.step.hiddenProduct()
            self.output = output ? decoder.output.weight.forwardWeights() : nil
        }

        /// Whether every weight is still the one packed.
        func isCurrent(for decoder: AttentionDecoder) -> Bool {
            let inputs = decoder.step.weightIH.value
            return word.isSnapshot(of: inputs) && context.isSnapshot(of: inputs)
                && hidden.isSnapshot(of: decoder.step.weightHH.value)
                && (query.map { $0.isSnapshot(of: decoder.attention.query!.weight.value) } ?? true)
                && (output.map { $0.isSnapshot(of: decoder.output.weight.value) } ?? true)
        }
    }

    /// The word part of the cell's input projection for every step: xp = E[y] W_eᵀ + b_ih, (N, G·Hd).
    func setWordProjection(_ words: Matrix<Scalar>, products: StepProducts, into xp: UnsafeMutablePointer<Scalar>) {
        let (N, E, GH) = (words.rows, embeddingDimension, step.gateWidth)
        let bias = step.biasIH.value.storage
        for n in 0..<N { (xp + n * GH).update(from: bias, count: GH) }
        words.storage.withUnsafeBufferPointer { x in
            products.word.product(x.baseAddress!, rows: N, ldx: E, into: xp, ldy: GH, accumulate: true)
        }
    }

    /// Steps `range` of `steps` with the concrete cell, whose `xp` rows already hold the word projection.
    struct RunSteps: CellBody {
        let decoder: AttentionDecoder, steps: Steps, range: Range<Int>
        let memory: Attention<Scalar>.Memory, products: StepProducts

        @inline(__always) func callAsFunction<Cell: RecurrentCell>(_ cell: Cell) {
            for t in range { decoder.runStep(cell, t, steps, memory: memory, products: products) }
        }
    }

    /// Step t: attention with h_{t-1}, xp_t += c_t W_cᵀ, then the cell's step; o_t = [h_t ; c_t].
    func runStep<Cell: RecurrentCell>(_ cell: Cell, _ t: Int, _ steps: Steps, memory: Attention<Scalar>.Memory,
                                      products: StepProducts) {
        let (B, H, SH, GH, Dm, OW) = (steps.batch, hiddenSize, stateWidth, step.gateWidth, memorySize, outputWidth)
        let (S, A) = (memory.steps, steps.projectedWidth)
        let rowsPerThread = Swift.max(1, 4096 / Swift.max(S * memory.keys.cols, GH))
        precondition(memory.batch == B, "memory of \(memory.batch) sentences for a batch of \(B)")
        let previous = steps.states + t * B * SH, next = previous + B * SH
        let queries = steps.queries + t * B * H   // h_{t-1}, contiguous
        for b in 0..<B { (queries + b * H).update(from: previous + b * SH, count: H) }
        let projected = steps.projected.map { $0 + t * B * A }
        if let query = products.query, let projected {   // W_q h_{t-1}
            query.product(queries, rows: B, ldx: H, into: projected, ldy: A, accumulate: false)
        }
        let (weights, context, xp) = (steps.weights + t * B * S, steps.context, steps.xp + t * B * GH)
        let attention = self.attention
        Parallel.forEachChunk(B, minimumPerThread: rowsPerThread) { rows in
            attention.forward(queries: queries, projected: projected, memory: memory,
                              weights: weights, contexts: context, rows: rows)
        }
        products.context.product(context, rows: B, ldx: Dm, into: xp, ldy: GH, accumulate: true)   // xp_t += c_t W_cᵀ
        step.forward(cell, xp: xp, hp: steps.hp + t * B * GH, previous: previous, next: next,
                     cache: steps.cellCache + t * B * step.cacheWidth, batch: B, hiddenProduct: products.hidden)
        steps.outputs.storage.withUnsafeMutableBufferPointer { outputBuffer in
            let outputs = outputBuffer.baseAddress! + t * B * OW
            for b in 0..<B {
                (outputs + b * OW).update(from: next + b * SH, count: H)
                (outputs + b * OW + H).update(from: context + b * Dm, count: Dm)
            }
        }
    }

    /// What forward keeps for backward.
    public struct Cache {
        let inputs: [Int]
        let words: Matrix<Scalar>
        let wordMask: Matrix<Scalar>?
        let steps: Steps
        let outputs: Matrix<Scalar>
        let outputMask: Matrix<Scalar>?
        /// Tied embeddings: the projected outputs, the output layer's input.
        let projected: Matrix<Scalar>?
        let memory: Attention<Scalar>.Memory
    }

    /// Teacher-forced decoding of T steps: `inputs` (T·B) time-major previous words (`<s>` first,
    /// then the reference; anything on padded steps, whose loss the caller ignores); `initialState`
    /// (B, S·Hd). Returns the logits (T·B, V).
    public func forward(
        inputs: [Int], initialState: Matrix<Scalar>, memory: Attention<Scalar>.Memory, training: Bool
    ) -> (logits: Matrix<Scalar>, cache: Cache) {
        let B = memory.batch
        precondition(B > 0 && inputs.count % B == 0, "\(inputs.count) inputs for a batch of \(B)")
        let T = inputs.count / B
        let (words, wordMask) = dropout.forward(embedding.forward(inputs), training: training, generator: &generator)
        let steps = Steps(decoder: self, batch: B, steps: T, sourceSteps: memory.steps, initialState: initialState)
        let products = StepProducts(self, output: false)
        setWordProjection(words, products: products, into: steps.xp)
        cell.withCell(RunSteps(decoder: self, steps: steps, range: 0..<T, memory: memory, products: products))
        let (outputs, outputMask) = dropout.forward(steps.outputs, training: training, generator: &generator)
        let projected = projection?.forward(outputs)
        let logits = output.forward(projected ?? outputs)
        return (logits, Cache(inputs: inputs, words: words, wordMask: wordMask, steps: steps, outputs: outputs,
                              outputMask: outputMask, projected: projected, memory: memory))
    }

    /// One step of inference for B hypotheses: their previous words (B) and states (B, S·Hd) →
    /// logits (B, V), new states (B, S·Hd) and attention weights (B, S_src).
    public func step(
        words: [Int], states: Matrix<Scalar>, memory: Attention<Scalar>.Memory
    ) -> (logits: Matrix<Scalar>, states: Matrix<Scalar>, weights: Matrix<Scalar>) {
        let products = inferenceProducts.value(isCurrent: { $0.isCurrent(for: self) }) { StepProducts(self, output: true) }
        let (B, V, SH, S) = (words.count, output.outputSize, stateWidth, memory.steps)
        let steps = Steps(decoder: self, batch: B, steps: 1, sourceSteps: S, initialState: states)
        setWordProjection(embedding.forward(words), products: products, into: steps.xp)
        cell.withCell(RunSteps(decoder: self, steps: steps, range: 0..<1, memory: memory, products: products))
        // z = o W_outᵀ + b_out
        var logits = Matrix<Scalar>(uninitializedRows: B, cols: V)
        let input = projection?.forward(steps.outputs) ?? steps.outputs
        logits.storage.withUnsafeMutableBufferPointer { z in
            if let bias = output.bias {   // B × V floats: on both threads, not while the other waits
                bias.value.storage.withUnsafeBufferPointer { bias in
                    Parallel.forEachChunk(B, minimumPerThread: Swift.max(1, 16384 / V)) { rows in
                        for b in rows { (z.baseAddress! + b * V).update(from: bias.baseAddress!, count: V) }
                    }
                }
            }
            input.storage.withUnsafeBufferPointer { o in
                products.output!.product(o.baseAddress!, rows: B, ldx: input.cols, into: z.baseAddress!, ldy: V,
                                         accumulate: output.bias != nil)
            }
        }
        let newStates = Array(UnsafeBufferPointer(start: steps.states + B * SH, count: B * SH))
        let weights = Array(UnsafeBufferPointer(start: steps.weights, count: B * S))
        return (logits, Matrix(rows: B, cols: SH, storage: newStates), Matrix(rows: B, cols: S, storage: weights))
    }

    /// The gradient buffers of a backward pass over N = T·B rows, in one workspace.
    struct Gradients {
        let buffers: Workspace<Scalar>
        /// ∂XP, ∂HP (N, G·Hd), every step writing its rows
        var xp: UnsafeMutablePointer<Scalar> { buffers[0] }
        var hp: UnsafeMutablePointer<Scalar> { buffers[1] }
        /// (B, S·Hd): ∂s_t, and two buffers for the carried ∂L/∂s that trade places each step
        var step: UnsafeMutablePointer<Scalar> { buffers[2] }
        var carried: UnsafeMutablePointer<Scalar> { buffers[3] }
        var previous: UnsafeMutablePointer<Scalar> { buffers[4] }
        /// (B, Dm) ∂c_t, (B, Hd) ∂q_t, (B, S_src) the attention's scratch
        var context: UnsafeMutablePointer<Scalar> { buffers[5] }
        var query: UnsafeMutablePointer<Scalar> { buffers[6] }
        var scratch: UnsafeMutablePointer<Scalar> { buffers[7] }
        /// Additive attention: ∂(W_q h_{t-1}) (N, A) and ∂v per batch row (B, A), both summed into
        let projected: UnsafeMutablePointer<Scalar>?
        let vectorRows: UnsafeMutablePointer<Scalar>?

        init(_ decoder: AttentionDecoder, steps: Steps, sourceSteps S: Int) {
            let (B, N, A, step) = (steps.batch, steps.count * steps.batch, steps.projectedWidth, decoder.step)
            buffers = Workspace([N * step.gateWidth, N * step.gateWidth, B * step.stateWidth, B * step.stateWidth,
                                 B * step.stateWidth, B * decoder.memorySize, B * decoder.hiddenSize,
                                 B * Swift.max(S, 1), N * A, B * A], zeroed: [3, 7, 8, 9])
            (projected, vectorRows) = A > 0 ? (buffers[8], buffers[9]) : (nil, nil)
        }
    }

    /// Backpropagates ∂logits (T·B, V). Adds into the parameters' gradients; returns ∂L/∂initial
    /// state (B, S·Hd) and ∂L/∂memory values (S·B, Dm) (through both the values and the keys).
    public func backward(
        logitsGradient: Matrix<Scalar>, cache: Cache
    ) -> (initialStateGradient: Matrix<Scalar>, memoryGradient: Matrix<Scalar>) {
        let (steps, memory) = (cache.steps, cache.memory)
        let (B, N, H, E, Dm, OW, S) = (steps.batch, steps.count * steps.batch, hiddenSize, embeddingDimension,
                                       memorySize, outputWidth, memory.steps)
        var outputGradient = output.backward(outputGradient: logitsGradient, input: cache.projected ?? cache.outputs)
        if let projection { outputGradient = projection.backward(outputGradient: outputGradient, input: cache.outputs) }
        outputGradient = dropout.backward(outputGradient, mask: cache.outputMask)   // (T·B, Hd + Dm)
        let gradients = Gradients(self, steps: steps, sourceSteps: S)
        var keysGradient = Matrix<Scalar>(rows: S * B, cols: memory.keys.cols)
        var valuesGradient = Matrix<Scalar>(rows: S * B, cols: Dm)
        let initialStateGradient = keysGradient.storage.withUnsafeMutableBufferPointer { dKeys in
            valuesGradient.storage.withUnsafeMutableBufferPointer { dValues in
                cell.withCell(BackwardSteps(decoder: self, steps: steps, memory: memory, outputGradient: outputGradient,
                                            gradients: gradients, keys: dKeys.baseAddress!, values: dValues.baseAddress!))
            }
        }

        // Weight gradients over all steps at once: ∂W_e += ∂XPᵀ X_words, ∂W_c += ∂XPᵀ C (the contexts
        // being the right part of the undropped o_t rows), ∂W_hh, the biases.
        cache.words.storage.withUnsafeBufferPointer { words in
            step.addInputWeightGradient(xpGradient: gradients.xp, input: words.baseAddress!, stride: E,
                                        columns: 0..<E, rows: N)
        }
        steps.outputs.storage.withUnsafeBufferPointer { outputs in
            step.addInputWeightGradient(xpGradient: gradients.xp, input: outputs.baseAddress! + H, stride: OW,
                                        columns: E..<(E + Dm), rows: N)
        }
        step.addWeightGradients(xpGradient: gradients.xp, hpGradient: gradients.hp, states: steps.states, rows: N)
        if let projected = gradients.projected, let vectorRows = gradients.vectorRows {
            attention.finishBackward(queries: steps.queries, projectedGradient: projected,
                                     vectorGradientRows: vectorRows, rows: N, batch: B)
        }
        // ∂words = ∂XP W_e → the target embedding
        let wordsGradient = step.inputGradient(xpGradient: gradients.xp, columns: 0..<E, rows: N)
        embedding.backward(outputGradient: dropout.backward(wordsGradient, mask: cache.wordMask), ids: cache.inputs)
        valuesGradient.add(attention.keysBackward(keysGradient: keysGradient, memory: memory))
        return (initialStateGradient, valuesGradient)
    }

    /// The steps of backward, last first, with the concrete cell; returns ∂L/∂s_0 (B, S·Hd).
    struct BackwardSteps: CellBody {
        let decoder: AttentionDecoder, steps: Steps, memory: Attention<Scalar>.Memory
        let outputGradient: Matrix<Scalar>, gradients: Gradients
        /// ∂k, ∂m (S_src·B, ·), summed into over the steps
        let keys: UnsafeMutablePointer<Scalar>, values: UnsafeMutablePointer<Scalar>

        @inline(__always) func callAsFunction<Cell: RecurrentCell>(_ cell: Cell) -> Matrix<Scalar> {
            decoder.backwardSteps(cell, self)
        }
    }

    /// Step t backward: the cell's step (∂h_t from o_t, the carried ∂s_t), then ∂c_t = ∂c_t from o_t
    /// + ∂xp_t W_c into the attention, whose query gradient joins ∂h_{t-1}.
    func backwardSteps<Cell: RecurrentCell>(_ cell: Cell, _ pass: BackwardSteps) -> Matrix<Scalar> {
        let (steps, memory, g) = (pass.steps, pass.memory, pass.gradients)
        let (B, T, H, SH, GH, Dm, E) = (steps.batch, steps.count, hiddenSize, stateWidth, step.gateWidth, memorySize,
                                        embeddingDimension)
        let (S, A, OW, CW) = (memory.steps, steps.projectedWidth, outputWidth, step.cacheWidth)
        let rowsPerThread = Swift.max(1, 4096 / Swift.max(S * memory.keys.cols, GH))
        let hiddenGradientProduct = step.hiddenGradientProduct(batch: B)
        let attention = self.attention
        var (carried, previousGradient) = (g.carried, g.previous)
        pass.outputGradient.storage.withUnsafeBufferPointer { outputGradientBuffer in
        step.weightIH.value.storage.withUnsafeBufferPointer { wih in
            for t in stride(from: T - 1, through: 0, by: -1) {
                let dOutputs = outputGradientBuffer.baseAddress! + t * B * OW
                let dxp = g.xp + t * B * GH
                step.backward(cell, outputGradient: dOutputs, outputStride: OW, carried: carried, stateGradient: g.step,
                              cache: steps.cellCache + t * B * CW, previous: steps.states + t * B * SH,
                              hp: steps.hp + t * B * GH, xpGradient: dxp, hpGradient: g.hp + t * B * GH,
                              previousGradient: previousGradient, batch: B, padding: nil,
                              hiddenGradientProduct: hiddenGradientProduct)
                // ∂c_t = ∂c_t from o_t + ∂xp_t W_c
                let dContext = g.context
                for b in 0..<B { (dContext + b * Dm).update(from: dOutputs + b * OW + H, count: Dm) }
                Scalar.gemm(transposeA: false, transposeB: false, m: B, n: Dm, k: GH, alpha: 1,
                            a: dxp, lda: GH, b: wih.baseAddress! + E, ldb: E + Dm, beta: 1, c: dContext, ldc: Dm)
                // Attention backward; the query was h_{t-1}.
                let dQuery = g.query
                dQuery.update(repeating: 0, count: B * H)
                let (queries, weights) = (steps.queries + t * B * H, steps.weights + t * B * S)
                let projected = steps.projected.map { $0 + t * B * A }
                let dProjected = g.projected.map { $0 + t * B * A }
                let (vectorRows, scratch, keys, values) = (g.vectorRows, g.scratch, pass.keys, pass.values)
                Parallel.forEachChunk(B, minimumPerThread: rowsPerThread) { rows in
                    attention.backward(
                        contextGradient: dContext, queries: queries, projected: projected, weights: weights,
                        memory: memory, queryGradient: dQuery, projectedGradient: dProjected,
                        vectorGradientRows: vectorRows, keysGradient: keys, valuesGradient: values,
                        scratch: scratch, rows: rows)
                }
                if let dProjected {
                    attention.addQueryGradient(projectedGradient: dProjected, batch: B, into: previousGradient, ld: SH)
                } else {
                    for b in 0..<B { for j in 0..<H { previousGradient[b * SH + j] += dQuery[b * H + j] } }
                }
                swap(&carried, &previousGradient)
            }
        }}
        return Matrix(rows: B, cols: SH, storage: Array(UnsafeBufferPointer(start: carried, count: B * SH)))
    }
}
