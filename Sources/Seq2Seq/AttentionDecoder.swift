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
/// The products of each step, and at inference the output layer's, run on weights packed once
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
    /// (G·Hd, E + Dm)
    public let weightIH: Parameter<Scalar>
    /// (G·Hd, Hd)
    public let weightHH: Parameter<Scalar>
    public let biasIH: Parameter<Scalar>
    public let biasHH: Parameter<Scalar>
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
    public var stateWidth: Int { cell.stateVectors * hiddenSize }
    var gateWidth: Int { cell.gateCount * hiddenSize }
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
        let gates = cell.gateCount * hiddenSize, bound = 1 / Double(hiddenSize).squareRoot()
        func make(_ name: String, _ rows: Int, _ cols: Int, vector: Bool) -> Parameter<Scalar> {
            Parameter(name: prefix + "cell." + name, value: .uniform(rows: rows, cols: cols, bound: bound, using: &generator),
                      shape: vector ? [cols] : nil)
        }
        weightIH = make("weight_ih", gates, embeddingDimension + memorySize, vector: false)
        weightHH = make("weight_hh", gates, hiddenSize, vector: false)
        biasIH = make("bias_ih", 1, gates, vector: true)
        biasHH = make("bias_hh", 1, gates, vector: true)
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
        parameters = embedding.parameters + [weightIH, weightHH, biasIH, biasHH] + attention.parameters + outputParameters
    }

    /// The exact position of the dropout generator, for checkpoints.
    public var dropoutGenerator: SeededGenerator {
        get { generator }
        set { generator = newValue }
    }

    /// The buffers of T steps over a batch of B: what forward writes and backward reads.
    struct Steps {
        let batch: Int
        let count: Int
        var states: Matrix<Scalar>        // ((T+1)·B, S·Hd); rows 0..<B hold s_0
        var xp: Matrix<Scalar>            // (T·B, G·Hd)
        var hp: Matrix<Scalar>            // (T·B, G·Hd)
        var cellCache: Matrix<Scalar>     // (T·B, C·Hd)
        var queries: Matrix<Scalar>       // (T·B, Hd): h_{t-1}
        var projected: Matrix<Scalar>     // (T·B, A): W_q h_{t-1}; (0, 0) unless additive
        var weights: Matrix<Scalar>       // (T·B, S_src)
        var outputs: Matrix<Scalar>       // (T·B, Hd + Dm): [h_t ; c_t]

        init(decoder: AttentionDecoder, batch B: Int, steps T: Int, sourceSteps: Int, initialState: Matrix<Scalar>) {
            precondition(initialState.rows == B && initialState.cols == decoder.stateWidth,
                         "initial state (\(initialState.rows), \(initialState.cols)), expected (\(B), \(decoder.stateWidth))")
            (batch, count) = (B, T)
            states = Matrix(uninitializedRows: (T + 1) * B, cols: decoder.stateWidth)
            states.storage.replaceSubrange(0..<initialState.count, with: initialState.storage)
            xp = Matrix(uninitializedRows: T * B, cols: decoder.gateWidth)
            hp = Matrix(uninitializedRows: T * B, cols: decoder.gateWidth)
            cellCache = Matrix(uninitializedRows: T * B, cols: decoder.cell.cacheCount * decoder.hiddenSize)
            queries = Matrix(uninitializedRows: T * B, cols: decoder.hiddenSize)
            projected = decoder.attention.score == .additive
                ? Matrix(uninitializedRows: T * B, cols: decoder.attention.key!.outputSize) : Matrix(rows: 0, cols: 0)
            weights = Matrix(uninitializedRows: T * B, cols: sourceSteps)
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
            let (E, inputs) = (decoder.embeddingDimension, decoder.weightIH.value)
            query = decoder.attention.query.map { PackedWeights($0.weight.value) }
            word = PackedWeights(inputs, columns: 0..<E)
            context = PackedWeights(inputs, columns: E..<inputs.cols)
            hidden = PackedWeights(decoder.weightHH.value)
            self.output = output ? PackedWeights(decoder.output.weight.value) : nil
        }

        /// Whether every weight is still the one packed.
        func isCurrent(for decoder: AttentionDecoder) -> Bool {
            let inputs = decoder.weightIH.value
            return word.isSnapshot(of: inputs) && context.isSnapshot(of: inputs)
                && hidden.isSnapshot(of: decoder.weightHH.value)
                && (query.map { $0.isSnapshot(of: decoder.attention.query!.weight.value) } ?? true)
                && (output.map { $0.isSnapshot(of: decoder.output.weight.value) } ?? true)
        }
    }

    /// The word part of the cell's input projection for every step: E[y] W_eᵀ + b_ih, (N, G·Hd).
    func wordProjection(_ words: Matrix<Scalar>, products: StepProducts) -> Matrix<Scalar> {
        let (N, E, GH) = (words.rows, embeddingDimension, gateWidth)
        var xp = Matrix<Scalar>(uninitializedRows: N, cols: GH)
        for n in 0..<N { xp.storage.replaceSubrange((n * GH)..<((n + 1) * GH), with: biasIH.value.storage) }
        words.storage.withUnsafeBufferPointer { x in
            xp.storage.withUnsafeMutableBufferPointer { out in
                products.word.product(x.baseAddress!, rows: N, ldx: E, into: out.baseAddress!, ldy: GH, accumulate: true)
            }
        }
        return xp
    }

    /// Runs step t of `steps`, whose `xp` rows of step t already hold the word projection.
    func runStep(_ t: Int, _ steps: inout Steps, memory: Attention<Scalar>.Memory, products: StepProducts) {
        let (B, H, SH, GH, Dm) = (steps.batch, hiddenSize, stateWidth, gateWidth, memorySize)
        let S = memory.steps, rowsPerThread = Swift.max(1, 4096 / Swift.max(S * memory.keys.cols, GH))
        precondition(memory.batch == B, "memory of \(memory.batch) sentences for a batch of \(B)")
        let cell = self.cell, attention = self.attention
        // Queries h_{t-1} (B, Hd), contiguous.
        steps.states.storage.withUnsafeBufferPointer { states in
            steps.queries.storage.withUnsafeMutableBufferPointer { queries in
                for b in 0..<B {
                    (queries.baseAddress! + (t * B + b) * H).update(from: states.baseAddress! + (t * B + b) * SH, count: H)
                }
            }
        }
        if let query = products.query {   // W_q h_{t-1}
            let A = steps.projected.cols
            steps.queries.storage.withUnsafeBufferPointer { q in
                steps.projected.storage.withUnsafeMutableBufferPointer { p in
                    query.product(q.baseAddress! + t * B * H, rows: B, ldx: H, into: p.baseAddress! + t * B * A, ldy: A,
                                  accumulate: false)
                }
            }
        }
        let OW = outputWidth
        steps.queries.storage.withUnsafeBufferPointer { queryBuffer in
        steps.projected.storage.withUnsafeBufferPointer { projectedBuffer in
        steps.weights.storage.withUnsafeMutableBufferPointer { weightBuffer in
        steps.outputs.storage.withUnsafeMutableBufferPointer { outputBuffer in
        steps.xp.storage.withUnsafeMutableBufferPointer { xpBuffer in
        steps.hp.storage.withUnsafeMutableBufferPointer { hpBuffer in
        steps.states.storage.withUnsafeMutableBufferPointer { stateBuffer in
        steps.cellCache.storage.withUnsafeMutableBufferPointer { cacheBuffer in
            let queries = queryBuffer.baseAddress! + t * B * H
            let projected = projectedBuffer.isEmpty ? nil : projectedBuffer.baseAddress! + t * B * steps.projected.cols
            let weights = weightBuffer.baseAddress! + t * B * S
            let outputs = outputBuffer.baseAddress! + t * B * OW
            let contexts = outputs + H   // c_t lands in the right part of o_t (rows OW apart)
            let xp = xpBuffer.baseAddress! + t * B * GH, hp = hpBuffer.baseAddress! + t * B * GH
            let previous = stateBuffer.baseAddress! + t * B * SH, next = previous + B * SH
            let cacheWidth = steps.cellCache.cols, cellCache = cacheBuffer.baseAddress! + t * B * cacheWidth
            // Attention writes c_t into a contiguous scratch first, then o_t's right part.
            var context = [Scalar](repeating: 0, count: B * Dm)
            context.withUnsafeMutableBufferPointer { c in
                let c = c.baseAddress!
                Parallel.forEachChunk(B, minimumPerThread: rowsPerThread) { rows in
                    attention.forward(queries: queries, projected: projected, memory: memory,
                                      weights: weights, contexts: c, rows: rows)
                }
                // xp_t += c_t W_cᵀ
                products.context.product(c, rows: B, ldx: Dm, into: xp, ldy: GH, accumulate: true)
                for b in 0..<B { (contexts + b * OW).update(from: c + b * Dm, count: Dm) }
            }
            // hp_t = b_hh + h_{t-1} W_hhᵀ
            for b in 0..<B { (hp + b * GH).update(from: biasHH.value.storage, count: GH) }
            products.hidden.product(previous, rows: B, ldx: SH, into: hp, ldy: GH, accumulate: true)
            Parallel.forEachChunk(B, minimumPerThread: Swift.max(1, 8192 / GH)) { rows in
                let first = rows.lowerBound
                cell.forward(xp: xp + first * GH, hp: hp + first * GH, previous: previous + first * SH,
                             state: next + first * SH, cache: cellCache + first * cacheWidth,
                             batch: rows.count, hidden: H)
            }
            for b in 0..<B { (outputs + b * OW).update(from: next + b * SH, count: H) }
        }}}}}}}}
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
        var steps = Steps(decoder: self, batch: B, steps: T, sourceSteps: memory.steps, initialState: initialState)
        let products = StepProducts(self, output: false)
        steps.xp = wordProjection(words, products: products)
        for t in 0..<T { runStep(t, &steps, memory: memory, products: products) }
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
        let (B, V) = (words.count, output.outputSize)
        var steps = Steps(decoder: self, batch: B, steps: 1, sourceSteps: memory.steps, initialState: states)
        steps.xp = wordProjection(embedding.forward(words), products: products)
        runStep(0, &steps, memory: memory, products: products)
        // z = o W_outᵀ + b_out
        var logits = Matrix<Scalar>(uninitializedRows: B, cols: V)
        logits.storage.withUnsafeMutableBufferPointer { z in
            if let bias = output.bias {
                for b in 0..<B { (z.baseAddress! + b * V).update(from: bias.value.storage, count: V) }
            }
            let input = projection?.forward(steps.outputs) ?? steps.outputs
            input.storage.withUnsafeBufferPointer { o in
                products.output!.product(o.baseAddress!, rows: B, ldx: input.cols, into: z.baseAddress!, ldy: V,
                                         accumulate: output.bias != nil)
            }
        }
        return (logits, steps.states.rows(B..<(2 * B)), steps.weights)
    }

    /// Backpropagates ∂logits (T·B, V). Adds into the parameters' gradients; returns ∂L/∂initial
    /// state (B, S·Hd) and ∂L/∂memory values (S·B, Dm) (through both the values and the keys).
    public func backward(
        logitsGradient: Matrix<Scalar>, cache: Cache
    ) -> (initialStateGradient: Matrix<Scalar>, memoryGradient: Matrix<Scalar>) {
        let steps = cache.steps, memory = cache.memory
        let (B, T, H, SH, GH, Dm, E) = (steps.batch, steps.count, hiddenSize, stateWidth, gateWidth, memorySize, embeddingDimension)
        let S = memory.steps, OW = outputWidth, A = memory.keys.cols
        var outputGradient = output.backward(outputGradient: logitsGradient, input: cache.projected ?? cache.outputs)
        if let projection { outputGradient = projection.backward(outputGradient: outputGradient, input: cache.outputs) }
        outputGradient = dropout.backward(outputGradient, mask: cache.outputMask)   // (T·B, Hd + Dm)
        var xpGradient = Matrix<Scalar>(uninitializedRows: T * B, cols: GH)
        var hpGradient = Matrix<Scalar>(uninitializedRows: T * B, cols: GH)
        var keysGradient = Matrix<Scalar>(rows: S * B, cols: A)
        var valuesGradient = Matrix<Scalar>(rows: S * B, cols: Dm)
        let additive = steps.projected.count > 0
        // (0, 0) unless additive
        var projectedGradient = Matrix<Scalar>(rows: additive ? T * B : 0, cols: additive ? A : 0)
        var vectorGradientRows = Matrix<Scalar>(rows: additive ? B : 0, cols: additive ? A : 0)
        var carry = Matrix<Scalar>(rows: B, cols: SH)      // ∂L/∂s_t from later steps
        var previousGradient = Matrix<Scalar>(rows: B, cols: SH)
        var stepGradient = Matrix<Scalar>(rows: B, cols: SH)
        var contextGradient = Matrix<Scalar>(rows: B, cols: Dm)
        var scratch = Matrix<Scalar>(rows: B, cols: Swift.max(S, 1))
        var queryGradient = Matrix<Scalar>(rows: B, cols: H)
        let cell = self.cell, attention = self.attention
        let rowsPerThread = Swift.max(1, 4096 / Swift.max(S * A, GH))

        for t in stride(from: T - 1, through: 0, by: -1) {
            outputGradient.storage.withUnsafeBufferPointer { dOutputBuffer in
            steps.states.storage.withUnsafeBufferPointer { stateBuffer in
            steps.cellCache.storage.withUnsafeBufferPointer { cacheBuffer in
            steps.hp.storage.withUnsafeBufferPointer { hpBuffer in
            steps.queries.storage.withUnsafeBufferPointer { queryBuffer in
            steps.weights.storage.withUnsafeBufferPointer { weightBuffer in
            steps.projected.storage.withUnsafeBufferPointer { projectedBuffer in
            projectedGradient.storage.withUnsafeMutableBufferPointer { dProjectedBuffer in
            vectorGradientRows.storage.withUnsafeMutableBufferPointer { dVectorBuffer in
            xpGradient.storage.withUnsafeMutableBufferPointer { dxpBuffer in
            hpGradient.storage.withUnsafeMutableBufferPointer { dhpBuffer in
            carry.storage.withUnsafeBufferPointer { carryBuffer in
            stepGradient.storage.withUnsafeMutableBufferPointer { dStepBuffer in
            previousGradient.storage.withUnsafeMutableBufferPointer { dPreviousBuffer in
            contextGradient.storage.withUnsafeMutableBufferPointer { dContextBuffer in
            queryGradient.storage.withUnsafeMutableBufferPointer { dQueryBuffer in
            keysGradient.storage.withUnsafeMutableBufferPointer { dKeysBuffer in
            valuesGradient.storage.withUnsafeMutableBufferPointer { dValuesBuffer in
            scratch.storage.withUnsafeMutableBufferPointer { scratchBuffer in
            weightIH.value.storage.withUnsafeBufferPointer { wih in
            weightHH.value.storage.withUnsafeBufferPointer { whh in
                let dOutputs = dOutputBuffer.baseAddress! + t * B * OW
                let dStep = dStepBuffer.baseAddress!, dPrevious = dPreviousBuffer.baseAddress!
                // ∂s_t = carried + ∂h_t from o_t
                for b in 0..<B {
                    let row = dStep + b * SH
                    row.update(from: carryBuffer.baseAddress! + b * SH, count: SH)
                    let dh = dOutputs + b * OW
                    for j in 0..<H { row[j] += dh[j] }
                }
                let previous = stateBuffer.baseAddress! + t * B * SH
                let cacheWidth = steps.cellCache.cols, cellCache = cacheBuffer.baseAddress! + t * B * cacheWidth
                let hp = hpBuffer.baseAddress! + t * B * GH
                let dxp = dxpBuffer.baseAddress! + t * B * GH, dhp = dhpBuffer.baseAddress! + t * B * GH
                Parallel.forEachChunk(B, minimumPerThread: Swift.max(1, 8192 / GH)) { rows in
                    let first = rows.lowerBound
                    cell.backward(stateGradient: dStep + first * SH, cache: cellCache + first * cacheWidth,
                                  previous: previous + first * SH, state: previous + (B + first) * SH,
                                  hp: hp + first * GH, xpGradient: dxp + first * GH, hpGradient: dhp + first * GH,
                                  previousGradient: dPrevious + first * SH, batch: rows.count, hidden: H)
                }
                // ∂h_{t-1} += ∂hp_t W_hh
                Scalar.gemm(transposeA: false, transposeB: false, m: B, n: H, k: GH, alpha: 1,
                            a: dhp, lda: GH, b: whh.baseAddress!, ldb: H, beta: 1, c: dPrevious, ldc: SH)
                // ∂c_t = ∂c_t from o_t + ∂xp_t W_c
                let dContext = dContextBuffer.baseAddress!
                for b in 0..<B { (dContext + b * Dm).update(from: dOutputs + b * OW + H, count: Dm) }
                Scalar.gemm(transposeA: false, transposeB: false, m: B, n: Dm, k: GH, alpha: 1,
                            a: dxp, lda: GH, b: wih.baseAddress! + E, ldb: E + Dm, beta: 1, c: dContext, ldc: Dm)
                // Attention backward; the query was h_{t-1}.
                let dQuery = dQueryBuffer.baseAddress!
                dQuery.update(repeating: 0, count: B * H)
                let queries = queryBuffer.baseAddress! + t * B * H
                let weights = weightBuffer.baseAddress! + t * B * S
                let projected = additive ? projectedBuffer.baseAddress! + t * B * A : nil
                let dProjected = additive ? dProjectedBuffer.baseAddress! + t * B * A : nil
                let dVector = additive ? dVectorBuffer.baseAddress! : nil
                Parallel.forEachChunk(B, minimumPerThread: rowsPerThread) { rows in
                    attention.backward(
                        contextGradient: dContext, queries: queries, projected: projected, weights: weights,
                        memory: memory, queryGradient: dQuery, projectedGradient: dProjected,
                        vectorGradientRows: dVector, keysGradient: dKeysBuffer.baseAddress!,
                        valuesGradient: dValuesBuffer.baseAddress!, scratch: scratchBuffer.baseAddress!, rows: rows)
                }
                if let dProjected {
                    attention.addQueryGradient(projectedGradient: dProjected, batch: B, into: dPrevious, ld: SH)
                } else {
                    for b in 0..<B { for j in 0..<H { dPrevious[b * SH + j] += dQuery[b * H + j] } }
                }
            }}}}}}}}}}}}}}}}}}}}}
            swap(&carry, &previousGradient)
        }

        // Weight gradients over all steps at once.
        let N = T * B
        xpGradient.storage.withUnsafeBufferPointer { dxp in
        weightIH.gradient.storage.withUnsafeMutableBufferPointer { dW in
            cache.words.storage.withUnsafeBufferPointer { words in
                // ∂W_e += ∂XPᵀ X_words
                Scalar.gemm(transposeA: true, transposeB: false, m: GH, n: E, k: N, alpha: 1,
                            a: dxp.baseAddress!, lda: GH, b: words.baseAddress!, ldb: E,
                            beta: 1, c: dW.baseAddress!, ldc: E + Dm)
            }
            steps.outputs.storage.withUnsafeBufferPointer { outputs in
                // ∂W_c += ∂XPᵀ C, the contexts being the right part of the (undropped) o_t rows
                Scalar.gemm(transposeA: true, transposeB: false, m: GH, n: Dm, k: N, alpha: 1,
                            a: dxp.baseAddress!, lda: GH, b: outputs.baseAddress! + H, ldb: OW,
                            beta: 1, c: dW.baseAddress! + E, ldc: E + Dm)
            }
        }}
        biasIH.gradient.addColumnSums(of: xpGradient)
        biasHH.gradient.addColumnSums(of: hpGradient)
        steps.states.storage.withUnsafeBufferPointer { states in
            hpGradient.storage.withUnsafeBufferPointer { dhp in
                weightHH.gradient.storage.withUnsafeMutableBufferPointer { dW in
                    // ∂W_hh += ∂HPᵀ H_prev, H_prev = h part of s_0…s_{T-1}
                    Scalar.gemm(transposeA: true, transposeB: false, m: GH, n: H, k: N, alpha: 1,
                                a: dhp.baseAddress!, lda: GH, b: states.baseAddress!, ldb: SH,
                                beta: 1, c: dW.baseAddress!, ldc: H)
                }
            }
        }
        if additive {
            attention.finishBackward(queries: steps.queries, projectedGradient: projectedGradient,
                                     vectorGradientRows: vectorGradientRows)
        }
        // ∂words = ∂XP W_e → the target embedding
        var wordsGradient = Matrix<Scalar>(uninitializedRows: N, cols: E)
        xpGradient.storage.withUnsafeBufferPointer { dxp in
            weightIH.value.storage.withUnsafeBufferPointer { w in
                wordsGradient.storage.withUnsafeMutableBufferPointer { dx in
                    Scalar.gemm(transposeA: false, transposeB: false, m: N, n: E, k: GH, alpha: 1,
                                a: dxp.baseAddress!, lda: GH, b: w.baseAddress!, ldb: E + Dm,
                                beta: 0, c: dx.baseAddress!, ldc: E)
                }
            }
        }
        embedding.backward(outputGradient: dropout.backward(wordsGradient, mask: cache.wordMask), ids: cache.inputs)
        valuesGradient.add(attention.keysBackward(keysGradient: keysGradient, memory: memory))
        return (carry, valuesGradient)
    }
}
