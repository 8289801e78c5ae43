import RealModule
import Tensor

/// Attention over a batch of encoded source sentences, masked over padding (see `AttentionScore`
/// for the scores):
///
///     a = softmax_s(e_s)  over the real positions s < length    c = Σ_s a_s m_s
///
/// Backward, with ∂c the incoming gradient:
///
///     ∂a_s = ∂c · m_s      ∂e_s = a_s (∂a_s − Σ_r a_r ∂a_r)      ∂m_s += a_s ∂c
///     dot, general:  ∂q += Σ_s ∂e_s k_s                      ∂k_s += ∂e_s q
///     additive:      ∂z_s = ∂e_s v ⊙ (1 − z_s²),  z_s = tanh(W_q q + k_s)
///                    ∂v += Σ_s ∂e_s z_s    ∂k_s += ∂z_s    ∂(W_q q) += Σ_s ∂z_s
///
/// z is recomputed in backward rather than kept: it is (B, S, A) per step, and recomputing it costs
/// less than the memory traffic of storing it.
///
/// Parameters (PyTorch names under `prefix`): additive `query.weight` (A, Hd), `key.weight` (A, Dm),
/// `key.bias` (A), `score.weight` (1, A); general `key.weight` (Hd, Dm); dot none.
public final class Attention<Scalar: TensorScalar>: ParameterOwner {
    public let score: AttentionScore
    public let querySize: Int
    public let memorySize: Int
    /// Additive: W_q. Nil otherwise.
    let query: Linear<Scalar>?
    /// Additive: U, b; general: W. Nil for dot.
    let key: Linear<Scalar>?
    /// Additive: v as a (1, A) weight. Nil otherwise.
    let vector: Parameter<Scalar>?
    public let parameters: [Parameter<Scalar>]

    public init(
        score: AttentionScore, querySize: Int, memorySize: Int, attentionSize: Int, prefix: String,
        generator: inout SeededGenerator
    ) {
        precondition(score != .dot || querySize == memorySize,
                     "dot attention needs the decoder size (\(querySize)) to equal the memory size (\(memorySize))")
        self.score = score
        self.querySize = querySize
        self.memorySize = memorySize
        switch score {
        case .additive:
            query = Linear(inputSize: querySize, outputSize: attentionSize, bias: false, prefix: prefix + "query.",
                           generator: &generator)
            key = Linear(inputSize: memorySize, outputSize: attentionSize, prefix: prefix + "key.", generator: &generator)
            let bound = 1 / Double(attentionSize).squareRoot()
            vector = Parameter(name: prefix + "score.weight",
                               value: .uniform(rows: 1, cols: attentionSize, bound: bound, using: &generator))
        case .general:
            query = nil
            key = Linear(inputSize: memorySize, outputSize: querySize, bias: false, prefix: prefix + "key.",
                         generator: &generator)
            vector = nil
        case .dot:
            (query, key, vector) = (nil, nil, nil)
        }
        parameters = (query?.parameters ?? []) + (key?.parameters ?? []) + (vector.map { [$0] } ?? [])
    }

    /// The encoded source sentences the decoder attends to.
    public struct Memory {
        /// m: encoder outputs (S·B, Dm), time-major, zero on padding.
        public let values: Matrix<Scalar>
        /// k: (S·B, A); the values themselves for dot attention.
        public let keys: Matrix<Scalar>
        /// Real length of each source sentence (B), each ≥ 1.
        public let lengths: [Int]
        public var batch: Int { lengths.count }
        public var steps: Int { values.rows / Swift.max(lengths.count, 1) }

        /// The memory with row b of the batch repeated `count` times in place (b → b·count + j):
        /// for beam search, which decodes `count` hypotheses of each sentence side by side.
        public func repeatingRows(_ count: Int) -> Memory {
            func repeated(_ matrix: Matrix<Scalar>) -> Matrix<Scalar> {
                var result = Matrix<Scalar>(uninitializedRows: matrix.rows * count, cols: matrix.cols)
                let width = matrix.cols
                matrix.storage.withUnsafeBufferPointer { source in
                    result.storage.withUnsafeMutableBufferPointer { target in
                        for row in 0..<matrix.rows { for j in 0..<count {
                            (target.baseAddress! + (row * count + j) * width)
                                .update(from: source.baseAddress! + row * width, count: width)
                        } }
                    }
                }
                return result
            }
            return Memory(values: repeated(values), keys: repeated(keys),
                          lengths: lengths.flatMap { Array(repeating: $0, count: count) })
        }

        /// The memory of the sentences `rows` of the batch, in that order.
        public func selectingRows(_ rows: [Int]) -> Memory {
            let (B, S) = (batch, steps)
            func selected(_ matrix: Matrix<Scalar>) -> Matrix<Scalar> {
                var result = Matrix<Scalar>(uninitializedRows: S * rows.count, cols: matrix.cols)
                let width = matrix.cols
                matrix.storage.withUnsafeBufferPointer { source in
                    result.storage.withUnsafeMutableBufferPointer { target in
                        for s in 0..<S { for (n, row) in rows.enumerated() {
                            (target.baseAddress! + (s * rows.count + n) * width)
                                .update(from: source.baseAddress! + (s * B + row) * width, count: width)
                        } }
                    }
                }
                return result
            }
            return Memory(values: selected(values), keys: selected(keys), lengths: rows.map { lengths[$0] })
        }
    }

    /// Computes the keys of `values` (S·B, Dm) once for all decoder steps.
    public func memory(values: Matrix<Scalar>, lengths: [Int]) -> Memory {
        precondition(values.cols == memorySize, "memory width \(values.cols), attention expects \(memorySize)")
        precondition(lengths.allSatisfy { $0 >= 1 }, "attention over an empty source sentence")
        return Memory(values: values, keys: key?.forward(values) ?? values, lengths: lengths)
    }

    /// Backpropagates ∂k (S·B, A) into the key layer; returns its part of ∂m (S·B, Dm).
    public func keysBackward(keysGradient: Matrix<Scalar>, memory: Memory) -> Matrix<Scalar> {
        guard let key else { return keysGradient }
        return key.backward(outputGradient: keysGradient, input: memory.values)
    }

    /// Additive attention's projected queries W_q q (B, A) for queries (B, Hd); nil otherwise.
    public func projectedQueries(_ queries: Matrix<Scalar>) -> Matrix<Scalar>? {
        query?.forward(queries)
    }

    /// One step for rows `rows` of the batch: writes the weights a (B, S; zero past each length) and
    /// the contexts c (B, Dm). `queries` (B, Hd); `projected` W_q q (B, A) for additive attention.
    func forward(
        queries: UnsafePointer<Scalar>, projected: UnsafePointer<Scalar>?, memory: Memory,
        weights: UnsafeMutablePointer<Scalar>, contexts: UnsafeMutablePointer<Scalar>, rows: Range<Int>
    ) {
        let (B, S, Dm, A, Hd) = (memory.batch, memory.steps, memorySize, memory.keys.cols, querySize)
        let vectorStorage = vector?.value.storage ?? []
        memory.values.storage.withUnsafeBufferPointer { valueBuffer in
        memory.keys.storage.withUnsafeBufferPointer { keyBuffer in
            let (values, keys) = (valueBuffer.baseAddress!, keyBuffer.baseAddress!)
            vectorStorage.withUnsafeBufferPointer { vectorBuffer in
            let v = vector == nil ? nil : vectorBuffer.baseAddress!
            for b in rows {
                let length = memory.lengths[b], a = weights + b * S
                var maximum = -Scalar.greatestFiniteMagnitude
                for s in 0..<length {
                    let k = keys + (s * B + b) * A
                    var e: Scalar = 0
                    if let projected, let v {
                        // Eight lanes at a time; the tail's padded lanes have v = 0.
                        let p = projected + b * A
                        var lanes = SIMD8<Scalar>()
                        for j in stride(from: 0, to: A, by: 8) {
                            let count = Swift.min(8, A - j)
                            lanes += v.lanes(j, count) * Scalar.hyperbolicTangent(p.lanes(j, count) + k.lanes(j, count))
                        }
                        e = lanes.laneSum()
                    } else {
                        let q = queries + b * Hd
                        for j in 0..<A { e = Relaxed.sum(e, q[j] * k[j]) }
                    }
                    a[s] = e
                    maximum = Swift.max(maximum, e)
                }
                var total: Scalar = 0
                for s in 0..<length { a[s] = Scalar.exponential(a[s] - maximum); total += a[s] }
                for s in 0..<length { a[s] /= total }
                for s in length..<S { a[s] = 0 }
                let c = contexts + b * Dm
                c.update(repeating: 0, count: Dm)
                for s in 0..<length {
                    let m = values + (s * B + b) * Dm, weight = a[s]
                    for j in 0..<Dm { c[j] += weight * m[j] }
                }
            }
        }}}
    }

    /// The derivative of `forward` for rows `rows`: from ∂c (B, Dm) adds into ∂q (B, Hd; dot and
    /// general), ∂(W_q q) (B, A; additive), ∂v (one (1, A) row per batch row, summed by the caller),
    /// ∂k and ∂m (S·B, ·). Distinct rows touch distinct entries, so chunks may run concurrently.
    func backward(
        contextGradient: UnsafePointer<Scalar>, queries: UnsafePointer<Scalar>, projected: UnsafePointer<Scalar>?,
        weights: UnsafePointer<Scalar>, memory: Memory,
        queryGradient: UnsafeMutablePointer<Scalar>, projectedGradient: UnsafeMutablePointer<Scalar>?,
        vectorGradientRows: UnsafeMutablePointer<Scalar>?,
        keysGradient: UnsafeMutablePointer<Scalar>, valuesGradient: UnsafeMutablePointer<Scalar>,
        scratch: UnsafeMutablePointer<Scalar>, rows: Range<Int>
    ) {
        let (B, S, Dm, A, Hd) = (memory.batch, memory.steps, memorySize, memory.keys.cols, querySize)
        let vectorStorage = vector?.value.storage ?? []
        memory.values.storage.withUnsafeBufferPointer { valueBuffer in
        memory.keys.storage.withUnsafeBufferPointer { keyBuffer in
            let (values, keys) = (valueBuffer.baseAddress!, keyBuffer.baseAddress!)
            vectorStorage.withUnsafeBufferPointer { vectorBuffer in
            let v = vector == nil ? nil : vectorBuffer.baseAddress!
            for b in rows {
                let length = memory.lengths[b], a = weights + b * S, dc = contextGradient + b * Dm
                let de = scratch + b * S   // ∂a, then ∂e
                var weighted: Scalar = 0
                for s in 0..<length {
                    let m = values + (s * B + b) * Dm, dm = valuesGradient + (s * B + b) * Dm
                    var da: Scalar = 0
                    for j in 0..<Dm { da = Relaxed.sum(da, dc[j] * m[j]); dm[j] += a[s] * dc[j] }
                    de[s] = da
                    weighted += a[s] * da
                }
                for s in 0..<length { de[s] = a[s] * (de[s] - weighted) }
                for s in 0..<length {
                    let k = keys + (s * B + b) * A, dk = keysGradient + (s * B + b) * A
                    if let projected, let projectedGradient, let vectorGradientRows, let v {
                        let p = projected + b * A, dp = projectedGradient + b * A, dv = vectorGradientRows + b * A
                        let weight = SIMD8(repeating: de[s])
                        for j in stride(from: 0, to: A, by: 8) {
                            let count = Swift.min(8, A - j)
                            let z = Scalar.hyperbolicTangent(p.lanes(j, count) + k.lanes(j, count))
                            let dz = weight * v.lanes(j, count) * (1 - z * z)
                            dv.storeLanes(dv.lanes(j, count) + weight * z, j, count)
                            dk.storeLanes(dk.lanes(j, count) + dz, j, count)
                            dp.storeLanes(dp.lanes(j, count) + dz, j, count)
                        }
                    } else {
                        let q = queries + b * Hd, dq = queryGradient + b * Hd
                        for j in 0..<A { dq[j] += de[s] * k[j]; dk[j] += de[s] * q[j] }
                    }
                }
            }
        }}}
    }

    /// Additive attention, after all steps: ∂W_q += ∂Pᵀ Q over the N stacked steps' queries Q (N, Hd)
    /// and projected-query gradients ∂P (N, A), and ∂v += the column sums of the per-row gradients
    /// (B, A).
    func finishBackward(queries: UnsafePointer<Scalar>, projectedGradient: UnsafePointer<Scalar>,
                        vectorGradientRows: UnsafePointer<Scalar>, rows N: Int, batch B: Int) {
        guard let query, let vector else { return }
        let (A, Hd) = (query.outputSize, querySize)
        query.weight.gradient.storage.withUnsafeMutableBufferPointer { dW in
            Scalar.gemm(transposeA: true, transposeB: false, m: A, n: Hd, k: N, alpha: 1,
                        a: projectedGradient, lda: A, b: queries, ldb: Hd, beta: 1, c: dW.baseAddress!, ldc: Hd)
        }
        vector.gradient.storage.withUnsafeMutableBufferPointer { dv in
            for r in 0..<B { for j in 0..<A { dv[j] += vectorGradientRows[r * A + j] } }
        }
    }

    /// ∂q = ∂P W_q for additive attention's projected-query gradient ∂P (B, A), added into `into` (B, Hd; rows `ld` apart).
    func addQueryGradient(projectedGradient: UnsafePointer<Scalar>, batch: Int, into target: UnsafeMutablePointer<Scalar>, ld: Int) {
        guard let query else { return }
        let (A, Hd) = (query.outputSize, querySize)
        query.weight.value.storage.withUnsafeBufferPointer { w in
            Scalar.gemm(transposeA: false, transposeB: false, m: batch, n: Hd, k: A, alpha: 1,
                        a: projectedGradient, lda: A, b: w.baseAddress!, ldb: Hd, beta: 1, c: target, ldc: ld)
        }
    }
}
