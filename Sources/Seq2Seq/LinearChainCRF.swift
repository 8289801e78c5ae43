import Tensor

/// A linear-chain conditional random field: the output layer of a sequence tagger (Lample et al.
/// 2016), with the semantics and parameter names of the pytorch-crf package. For one sentence of
/// length L with emission scores e (L, C) (the encoder's logits) and tags y_1 … y_L,
///
///     s(y)    = start[y_1] + Σ_{t=1..L} e_t[y_t] + Σ_{t=2..L} trans[y_{t−1}, y_t] + end[y_L]
///     log Z   = log Σ_{y'} exp s(y')             ℓ = −log p(y | e) = log Z − s(y)
///
/// trans[i, j] scores tag i followed by tag j. log Z comes from the forward algorithm and the
/// marginals from forward-backward, all in log space (every log-sum-exp subtracts its maximum):
///
///     α_1(j) = start[j] + e_1[j]      α_t(j) = e_t[j] + logΣexp_i (α_{t−1}(i) + trans[i, j])
///     β_L(i) = end[i]                 β_t(i) = logΣexp_j (trans[i, j] + e_{t+1}[j] + β_{t+1}(j))
///     log Z  = logΣexp_j (α_L(j) + end[j])
///     γ_t(j)    = exp(α_t(j) + β_t(j) − log Z)                                  p(y_t = j)
///     ξ_t(i, j) = exp(α_{t−1}(i) + trans[i, j] + e_t[j] + β_t(j) − log Z)         p(y_{t−1} = i, y_t = j)
///
/// The exact gradient is the expected count minus the gold count:
///
///     ∂ℓ/∂e_t[j]      = γ_t(j) − [y_t = j]
///     ∂ℓ/∂trans[i, j] = Σ_{t≥2} (ξ_t(i, j) − [y_{t−1} = i ∧ y_t = j])
///     ∂ℓ/∂start[j]    = γ_1(j) − [y_1 = j]            ∂ℓ/∂end[j] = γ_L(j) − [y_L = j]
///
/// (all divided by B with `.mean`). Each sentence costs O(L·C²).
///
/// Decoding is Viterbi: δ_1 = start + e_1, δ_t(j) = e_t[j] + max_i (δ_{t−1}(i) + trans[i, j]), then
/// back from argmax_j (δ_L(j) + end[j]); ties go to the lower tag.
///
/// Constraints (e.g. no O → I-PER in BIO tagging) are masks kept beside the parameters, not in them:
/// a disallowed transition, start or end scores −∞ wherever its parameter would be used, so the
/// sequences through it carry no probability, are never decoded, and its parameter's gradient is
/// exactly zero. Gold sequences must be allowed (`allows`).
///
/// Batches are time-major with right padding, as everywhere: emissions (T·B, C) with row t·B + b
/// for step t of sentence b, sentences of `lengths` (B, each in 1...T). Padded rows are ignored and
/// get zero gradient. Sentences are independent; they run in parallel chunks, and the parameter
/// gradients are summed in sentence order afterwards, so results do not depend on the thread count.
public final class LinearChainCRF<Scalar: TensorScalar>: ParameterOwner {
    /// (C): score of starting with tag j, `start_transitions`.
    public let startTransitions: Parameter<Scalar>
    /// (C): score of ending with tag j, `end_transitions`.
    public let endTransitions: Parameter<Scalar>
    /// (C, C): [i, j] scores tag i followed by tag j, `transitions`.
    public let transitions: Parameter<Scalar>
    /// [i][j]: may tag j follow tag i. Not a parameter: never trained, never saved.
    public let allowedTransitions: [[Bool]]
    /// [j]: may a sentence start with tag j.
    public let allowedStart: [Bool]
    /// [j]: may a sentence end with tag j.
    public let allowedEnd: [Bool]

    /// Parameters named `prefix` + pytorch-crf's names, in its order and initialisation:
    /// U(−0.1, 0.1) for `start_transitions`, `end_transitions`, then `transitions`. Masks left nil
    /// allow everything; masks that leave some sentence length without any allowed sequence are a
    /// programmer error.
    public init(
        tagCount: Int, prefix: String = "crf.", allowedTransitions: [[Bool]]? = nil,
        allowedStart: [Bool]? = nil, allowedEnd: [Bool]? = nil, generator: inout SeededGenerator
    ) {
        let C = tagCount
        precondition(C >= 1, "a CRF needs at least one tag, got \(C)")
        let transitionMask = allowedTransitions ?? Array(repeating: Array(repeating: true, count: C), count: C)
        precondition(transitionMask.count == C && transitionMask.allSatisfy { $0.count == C },
                     "allowed transitions must be \(C) × \(C)")
        precondition((allowedStart?.count ?? C) == C && (allowedEnd?.count ?? C) == C,
                     "allowed starts and ends must have \(C) entries")
        self.allowedTransitions = transitionMask
        self.allowedStart = allowedStart ?? Array(repeating: true, count: C)
        self.allowedEnd = allowedEnd ?? Array(repeating: true, count: C)
        if let length = Self.firstImpossibleLength(
            transitions: transitionMask, start: self.allowedStart, end: self.allowedEnd) {
            preconditionFailure("the constraints allow no tag sequence of length \(length)")
        }
        startTransitions = Parameter(name: prefix + "start_transitions",
                                     value: .uniform(rows: 1, cols: C, bound: 0.1, using: &generator), shape: [C])
        endTransitions = Parameter(name: prefix + "end_transitions",
                                   value: .uniform(rows: 1, cols: C, bound: 0.1, using: &generator), shape: [C])
        transitions = Parameter(name: prefix + "transitions",
                                value: .uniform(rows: C, cols: C, bound: 0.1, using: &generator))
    }

    public var parameters: [Parameter<Scalar>] { [startTransitions, endTransitions, transitions] }
    public var tagCount: Int { transitions.value.rows }

    /// Whether one sentence's tags (length ≥ 1, each in 0..<C) start, move and end only as allowed.
    public func allows(_ tags: [Int]) -> Bool {
        precondition(!tags.isEmpty && tags.allSatisfy { $0 >= 0 && $0 < tagCount },
                     "tags \(tags) outside 0..<\(tagCount)")
        return violation(length: tags.count) { tags[$0] } == nil
    }

    // MARK: loss

    /// emissions (T·B, C), gold tags (T·B; ignored on padded steps), lengths (B) → the loss, summed
    /// or averaged over sentences, and ∂loss/∂emissions (T·B, C), zero on padded rows. Adds
    /// ∂loss/∂start, ∂loss/∂end and ∂loss/∂trans into the parameters' gradients.
    public func negativeLogLikelihood(
        emissions: Matrix<Scalar>, tags: [Int], lengths: [Int],
        reduction: SoftmaxCrossEntropy.Reduction = .mean
    ) -> (loss: Scalar, emissionsGradient: Matrix<Scalar>) {
        let (T, B, C, P) = batchShape(emissions: emissions, lengths: lengths)
        precondition(tags.count == T * B, "\(tags.count) tags for \(T * B) rows")
        for b in 0..<B {
            let problem = violation(length: lengths[b]) { tags[$0 * B + b] }
            precondition(problem == nil, "sentence \(b): gold tags \(problem ?? "")")
        }
        let scale: Scalar = reduction == .mean ? 1 / Scalar(B) : 1
        // Per sentence: Σ_t ξ_t (P, P) stored transposed ([j·P + i]), then γ_1 (P) and γ_L (P).
        let slot = P * P + 2 * P
        var expected = [Scalar](repeating: 0, count: B * slot)
        var losses = [Scalar](repeating: 0, count: B)
        var gradient = Matrix<Scalar>(rows: T * B, cols: C)
        withLattice { lattice in
        expected.withUnsafeMutableBufferPointer { expected in
        losses.withUnsafeMutableBufferPointer { losses in
        gradient.storage.withUnsafeMutableBufferPointer { g in
            let (counts, lossBase, gBase) = (expected.baseAddress!, losses.baseAddress!, g.baseAddress!)
            let size = 2 * T * P + 4 * P   // α (T, P), γ (T, P), work (4·P)
            lattice.forEachSentence(emissions: emissions, lengths: lengths, scratch: size) { b, e, scratch in
                let L = lengths[b], alpha = scratch, gamma = scratch + T * P, work = gamma + T * P
                let pairs = counts + b * slot
                let logZ = lattice.forwardBackward(emissions: e, length: L, alpha: alpha, gamma: gamma,
                                                   pairs: pairs, work: work)
                // ∂ℓ/∂e_t = γ_t − onehot(y_t), scaled; s(y) on the way.
                var previous = tags[b]
                var score = lattice.start[previous] + lattice.end[tags[(L - 1) * B + b]]
                for t in 0..<L {
                    let y = tags[t * B + b], row = gBase + (t * B + b) * C, marginal = gamma + t * P
                    for j in 0..<C { row[j] = scale * marginal[j] }
                    row[y] -= scale
                    score += e[t * P + y] + (t > 0 ? lattice.transitions[previous * P + y] : 0)
                    previous = y
                }
                (pairs + P * P).update(from: gamma, count: P)
                (pairs + P * P + P).update(from: gamma + (L - 1) * P, count: P)
                lossBase[b] = logZ - score
            }
        }}}}
        addParameterGradients(expected: expected, tags: tags, lengths: lengths, scale: scale)
        return (scale * losses.reduce(0, +), gradient)
    }

    /// Adds scale · (expected − gold count) into the three gradients, sentence after sentence.
    /// Disallowed entries have expected count exactly 0 and never a gold count.
    func addParameterGradients(expected: [Scalar], tags: [Int], lengths: [Int], scale: Scalar) {
        let (B, C, P) = (lengths.count, tagCount, paddedWidth)
        let slot = P * P + 2 * P
        expected.withUnsafeBufferPointer { expected in
        transitions.gradient.storage.withUnsafeMutableBufferPointer { trans in
        startTransitions.gradient.storage.withUnsafeMutableBufferPointer { start in
        endTransitions.gradient.storage.withUnsafeMutableBufferPointer { end in
            for b in 0..<B {
                let pairs = expected.baseAddress! + b * slot, L = lengths[b]
                for i in 0..<C { for j in 0..<C { trans[i * C + j] += scale * pairs[j * P + i] } }
                for j in 0..<C {
                    start[j] += scale * pairs[P * P + j]
                    end[j] += scale * pairs[P * P + P + j]
                }
                start[tags[b]] -= scale
                end[tags[(L - 1) * B + b]] -= scale
                for t in 1..<L { trans[tags[(t - 1) * B + b] * C + tags[t * B + b]] -= scale }
            }
        }}}}
    }

    // MARK: inference

    /// emissions (T·B, C), lengths (B) → p(y_t = j | e) (T·B, C): each real row sums to 1 (up to
    /// rounding), padded rows are zero. Confidence scores for tags.
    public func marginals(emissions: Matrix<Scalar>, lengths: [Int]) -> Matrix<Scalar> {
        let (T, B, C, P) = batchShape(emissions: emissions, lengths: lengths)
        var marginals = Matrix<Scalar>(rows: T * B, cols: C)
        withLattice { lattice in
        marginals.storage.withUnsafeMutableBufferPointer { m in
            let base = m.baseAddress!
            let size = 2 * T * P + 4 * P   // α (T, P), γ (T, P), work (4·P)
            lattice.forEachSentence(emissions: emissions, lengths: lengths, scratch: size) { b, e, scratch in
                let alpha = scratch, gamma = scratch + T * P, work = gamma + T * P
                _ = lattice.forwardBackward(emissions: e, length: lengths[b], alpha: alpha, gamma: gamma,
                                            pairs: nil, work: work)
                for t in 0..<lengths[b] { (base + (t * B + b) * C).update(from: gamma + t * P, count: C) }
            }
        }}
        return marginals
    }

    /// emissions (T·B, C), lengths (B) → the highest-scoring allowed tag sequence of each sentence
    /// (lengths[b] tags each), by Viterbi.
    public func decode(emissions: Matrix<Scalar>, lengths: [Int]) -> [[Int]] {
        let (T, B, _, P) = batchShape(emissions: emissions, lengths: lengths)
        var paths = [Int](repeating: 0, count: B * T)   // sentence b's path at b·T
        withLattice { lattice in
        paths.withUnsafeMutableBufferPointer { paths in
            let base = paths.baseAddress!
            // No exponentials in Viterbi: a thread needs more sentences to be worth starting.
            lattice.forEachSentence(emissions: emissions, lengths: lengths, scratch: 2 * T * P,
                                    work: 1 << 18) { b, e, scratch in
                lattice.viterbi(emissions: e, length: lengths[b], delta: scratch, from: scratch + T * P,
                                path: base + b * T)
            }
        }}
        return (0..<B).map { b in Array(paths[(b * T)..<(b * T + lengths[b])]) }
    }

    // MARK: shapes and constraints

    /// C rounded up to whole 8-lane vectors: the row stride of the kernels' padded buffers.
    var paddedWidth: Int { (tagCount + 7) / 8 * 8 }

    /// (T, B, C, P) of a batch; a shape mismatch is a programmer error.
    func batchShape(emissions: Matrix<Scalar>, lengths: [Int]) -> (Int, Int, Int, Int) {
        let B = lengths.count
        precondition(B > 0 && emissions.rows % B == 0,
                     "\(emissions.rows) emission rows are not T·B for a batch of \(B)")
        precondition(emissions.cols == tagCount, "emissions have \(emissions.cols) columns for \(tagCount) tags")
        let T = emissions.rows / B
        precondition(lengths.allSatisfy { $0 >= 1 && $0 <= T }, "lengths \(lengths) outside 1...\(T)")
        return (T, B, tagCount, paddedWidth)
    }

    /// What is wrong with a sequence of `length` tags (`tag(t)` for step t), or nil if it is allowed.
    func violation(length: Int, tag: (Int) -> Int) -> String? {
        let C = tagCount
        var previous = -1
        for t in 0..<length {
            let y = tag(t)
            guard y >= 0 && y < C else { return "tag \(y) at step \(t) is outside 0..<\(C)" }
            if t == 0 && !allowedStart[y] { return "start with disallowed tag \(y)" }
            if t > 0 && !allowedTransitions[previous][y] {
                return "step \(t): disallowed transition \(previous) → \(y)"
            }
            previous = y
        }
        return allowedEnd[previous] ? nil : "end with disallowed tag \(previous)"
    }

    /// The shortest length with no allowed sequence, or nil if every length has one. S_L, the tags
    /// an allowed prefix of length L can end on, follows S_1 = starts, S_{L+1} = successors of S_L;
    /// the sets repeat after finitely many steps, and each one seen is checked against the ends.
    public static func firstImpossibleLength(transitions: [[Bool]], start: [Bool], end: [Bool]) -> Int? {
        let C = start.count
        var reachable = start, seen = Set<[Bool]>(), length = 1
        while seen.insert(reachable).inserted {
            if !(0..<C).contains(where: { reachable[$0] && end[$0] }) { return length }
            reachable = (0..<C).map { j in (0..<C).contains { i in reachable[i] && transitions[i][j] } }
            length += 1
        }
        return nil
    }
}
