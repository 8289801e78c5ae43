import Tensor

extension LinearChainCRF {
    /// The scores of one call, constrained and padded for 8-lane kernels, and the per-sentence
    /// kernels that read them. P = C rounded up to a multiple of 8. A disallowed transition, start
    /// or end, and every padding entry, is −∞, so it drops out of every log-sum-exp (its exponential
    /// is forced to exactly 0) and every max. Built once per call from the parameters' current
    /// values; read by all threads.
    struct Lattice {
        let C: Int
        let P: Int
        /// (P, P): [i·P + j] = trans[i, j] or −∞.
        let transitions: UnsafePointer<Scalar>
        /// (P, P): [j·P + i] = trans[i, j] or −∞ (the backward sweep reduces over j).
        let transposed: UnsafePointer<Scalar>
        /// (P): start[j] or −∞.
        let start: UnsafePointer<Scalar>
        /// (P): end[j] or −∞.
        let end: UnsafePointer<Scalar>
    }

    /// Runs `body` on the lattice of the parameters' current values and the masks.
    func withLattice<Result>(_ body: (Lattice) -> Result) -> Result {
        let (C, P) = (tagCount, paddedWidth)
        var table = [Scalar](repeating: -.infinity, count: 2 * P * P + 2 * P)
        for i in 0..<C {
            for j in 0..<C where allowedTransitions[i][j] {
                table[i * P + j] = transitions.value[i, j]
                table[P * P + j * P + i] = transitions.value[i, j]
            }
            if allowedStart[i] { table[2 * P * P + i] = startTransitions.value.storage[i] }
            if allowedEnd[i] { table[2 * P * P + P + i] = endTransitions.value.storage[i] }
        }
        return table.withUnsafeBufferPointer { table in
            let base = table.baseAddress!
            return body(Lattice(C: C, P: P, transitions: base, transposed: base + P * P,
                                start: base + 2 * P * P, end: base + 2 * P * P + P))
        }
    }
}

extension LinearChainCRF.Lattice {
    /// Runs `body(b, e, scratch)` for every sentence b, in parallel chunks of sentences: e (L, P) is
    /// sentence b's rows of the emissions (T·B, C), padded with −∞; `scratch` holds `count` scalars
    /// (uninitialised) that the sentences of a chunk reuse. A thread gets at least about `work`
    /// multiply-adds (C² per step per sentence counting as one).
    func forEachSentence(
        emissions: Matrix<Scalar>, lengths: [Int], scratch count: Int, work: Int = 1 << 15,
        _ body: (Int, UnsafePointer<Scalar>, UnsafeMutablePointer<Scalar>) -> Void
    ) {
        let B = lengths.count, T = emissions.rows / B
        emissions.storage.withUnsafeBufferPointer { x in
            let xBase = x.baseAddress!
            Parallel.forEachChunk(B, minimumPerThread: Swift.max(1, work / (T * C * C))) { sentences in
                withUnsafeTemporaryAllocation(of: Scalar.self, capacity: T * P + count) { buffer in
                    let e = buffer.baseAddress!
                    e.initialize(repeating: -.infinity, count: T * P)
                    for b in sentences {
                        for t in 0..<lengths[b] { (e + t * P).update(from: xBase + (t * B + b) * C, count: C) }
                        body(b, e, e + T * P)
                    }
                }
            }
        }
    }

    /// Forward-backward for one sentence: e (L, P) → log Z. Writes α (L, P) and γ (L, P) and, with
    /// `pairs`, adds Σ_{t≥2} ξ_t into pairs (P, P) transposed ([j·P + i]); `work` holds 4·P scalars.
    ///
    /// Each log-sum-exp runs on 8 lanes of the free index at once: one pass for the maximum m, one
    /// for Σ exp(v − m). Backward, with w = e_t + β_t, m_i = max_j (trans[i, j] + w_j) and
    /// c_i = exp(α_{t−1}(i) + m_i − log Z), the terms p_ij = exp(trans[i, j] + w_j − m_i) give
    /// ξ_t(i, j) = c_i p_ij, γ_{t−1}(i) = c_i Σ_j p_ij and β_{t−1}(i) = m_i + log Σ_j p_ij.
    func forwardBackward(
        emissions e: UnsafePointer<Scalar>, length L: Int, alpha: UnsafeMutablePointer<Scalar>,
        gamma: UnsafeMutablePointer<Scalar>, pairs: UnsafeMutablePointer<Scalar>?,
        work: UnsafeMutablePointer<Scalar>
    ) -> Scalar {
        let impossible = SIMD8<Scalar>(repeating: -.infinity)
        let maxima = work, sums = work + P, beta = work + 2 * P, w = work + 3 * P
        for o in stride(from: 0, to: P, by: 8) { alpha.storeLanes(start.lanes(o, 8) + e.lanes(o, 8), o, 8) }
        for t in 1..<L {
            let previous = alpha + (t - 1) * P, current = alpha + t * P
            for o in stride(from: 0, to: P, by: 8) {
                var m = impossible
                for i in 0..<C {
                    let v = SIMD8(repeating: previous[i]) + transitions.lanes(i * P + o, 8)
                    m = m.laneMaximum(v)
                }
                var s = SIMD8<Scalar>()
                for i in 0..<C {
                    let v = SIMD8(repeating: previous[i]) + transitions.lanes(i * P + o, 8)
                    s += Scalar.exponential(v - m).zeroed(whereImpossible: v)
                }
                maxima.storeLanes(m, o, 8)
                sums.storeLanes(s, o, 8)
            }
            // A lane with m = −∞ has s = 0 and stays −∞.
            for j in 0..<C { current[j] = e[t * P + j] + maxima[j] + Scalar.log(sums[j]) }
            for j in C..<P { current[j] = -.infinity }
        }

        let last = alpha + (L - 1) * P
        var m = -Scalar.infinity, s: Scalar = 0
        for j in 0..<C { m = Swift.max(m, last[j] + end[j]) }
        for j in 0..<C where last[j] + end[j] > -.infinity { s += Scalar.exponential(last[j] + end[j] - m) }
        let logZ = m + Scalar.log(s)
        for j in 0..<P {
            let x = last[j] + end[j] - logZ
            gamma[(L - 1) * P + j] = x > -.infinity ? Scalar.exponential(x) : 0
        }

        beta.update(from: end, count: P)
        for t in stride(from: L - 1, to: 0, by: -1) {
            for j in 0..<P { w[j] = e[t * P + j] + beta[j] }
            let previous = alpha + (t - 1) * P
            for o in stride(from: 0, to: P, by: 8) {
                var m = impossible
                for j in 0..<C {
                    let v = SIMD8(repeating: w[j]) + transposed.lanes(j * P + o, 8)
                    m = m.laneMaximum(v)
                }
                let x = previous.lanes(o, 8) + m - logZ
                let c = Scalar.exponential(x).zeroed(whereImpossible: x)
                var s = SIMD8<Scalar>()
                for j in 0..<C {
                    let v = SIMD8(repeating: w[j]) + transposed.lanes(j * P + o, 8)
                    let p = Scalar.exponential(v - m).zeroed(whereImpossible: v)
                    s += p
                    if let pairs { pairs.storeLanes(pairs.lanes(j * P + o, 8) + c * p, j * P + o, 8) }
                }
                (gamma + (t - 1) * P).storeLanes(c * s, o, 8)
                maxima.storeLanes(m, o, 8)
                sums.storeLanes(s, o, 8)
            }
            for i in 0..<C { beta[i] = maxima[i] + Scalar.log(sums[i]) }
        }
        return logZ
    }

    /// Viterbi for one sentence: e (L, P) → the best allowed path (L tags) into `path`. Uses
    /// delta (L, P) for δ and from (L, P) for the back-pointers (tag numbers stored as scalars).
    func viterbi(
        emissions e: UnsafePointer<Scalar>, length L: Int, delta: UnsafeMutablePointer<Scalar>,
        from: UnsafeMutablePointer<Scalar>, path: UnsafeMutablePointer<Int>
    ) {
        for o in stride(from: 0, to: P, by: 8) { delta.storeLanes(start.lanes(o, 8) + e.lanes(o, 8), o, 8) }
        for t in 1..<L {
            let previous = delta + (t - 1) * P
            for o in stride(from: 0, to: P, by: 8) {
                var best = SIMD8<Scalar>(repeating: -.infinity), argument = SIMD8<Scalar>()
                for i in 0..<C {
                    let v = SIMD8(repeating: previous[i]) + transitions.lanes(i * P + o, 8)
                    best.formMaximum(v, index: Scalar(i), argument: &argument)   // ties keep the lower tag
                }
                (delta + t * P).storeLanes(e.lanes(t * P + o, 8) + best, o, 8)
                (from + t * P).storeLanes(argument, o, 8)
            }
        }
        // Some allowed path has a finite score (checked at init), so the best one is finite and
        // every back-pointer on it follows an allowed transition.
        let last = delta + (L - 1) * P
        var tag = 0, best = last[0] + end[0]
        for j in 1..<C where last[j] + end[j] > best { tag = j; best = last[j] + end[j] }
        path[L - 1] = tag
        for t in stride(from: L - 1, to: 0, by: -1) {
            tag = Int(from[t * P + tag])
            path[t - 1] = tag
        }
    }
}
