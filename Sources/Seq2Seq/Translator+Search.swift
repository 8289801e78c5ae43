import Tensor

/// Greedy and beam search. Both never emit `<pad>` or `<s>`, and emit `</s>` at the latest after
/// `maximumLength` words of a sentence (the last step may only end the sentence).
///
/// Beam search (batch: all sentences' beams side by side, finished sentences leave the batch):
/// each step extends the K live hypotheses of a sentence by every word, keeps the 2K best
/// extensions by log-probability, moves those ending in `</s>` among the best K to the finished list
/// and the best K others to the next step. A sentence is done when its n-th best finished
/// hypothesis scores at least what its best live one can still reach (exactly at α = 0, see
/// `bound`), or at its maximum length. Finished hypotheses are ranked by the length-normalised score
/// log p / (L + 1)^α (α = 0: raw log-probability; α = 1: per-token average).
extension Translator {
    /// The best translation of each sentence by always taking the most probable next word.
    /// Sentences leave the batch as they end. Scores are raw log-probabilities.
    // Specialised here: callers in other modules would otherwise run the generic body.
    @_specialize(exported: true, where Scalar == Float)
    public func greedy(_ sources: [[Int]], maximumLengths: [Int]) -> [TranslationHypothesis] {
        precondition(maximumLengths.count == sources.count && maximumLengths.allSatisfy { $0 >= 0 }, "maximum lengths")
        guard !sources.isEmpty else { return [] }
        var (memory, states, _) = encode(sources, training: false)
        var results = sources.indices.map { _ in TranslationHypothesis(ids: [], logProbability: 0, score: 0, alignments: []) }
        var active = Array(sources.indices), words = [Int](repeating: Self.startID, count: sources.count)
        for step in 0... {
            let (logits, nextStates, weights) = decoder.step(words: words, states: states, memory: memory)
            let V = logits.cols
            var kept: [Int] = []
            logits.storage.withUnsafeBufferPointer { z in
                for (slot, sentence) in active.enumerated() {
                    let row = z.baseAddress! + slot * V
                    let word = step < maximumLengths[sentence] ? Self.bestWord(row, count: V) : Self.endID
                    results[sentence].logProbability += Double(row[word]) - Self.logPartition(row, count: V)
                    results[sentence].alignments.append((0..<sources[sentence].count).map { Float(weights[slot, $0]) })
                    if word != Self.endID { results[sentence].ids.append(word); kept.append(slot) }
                }
            }
            if kept.isEmpty { break }
            if kept.count != active.count { memory = memory.selectingRows(kept) }
            states = Self.selectRows(nextStates, kept)
            words = kept.map { results[active[$0]].ids.last! }
            active = kept.map { active[$0] }
        }
        for i in results.indices { results[i].score = results[i].logProbability }
        return results
    }

    /// Up to `nBest` (≤ `beam`) translations of each sentence, best first.
    @_specialize(exported: true, where Scalar == Float)
    public func beamSearch(
        _ sources: [[Int]], beam K: Int, nBest: Int, maximumLengths: [Int], lengthNormalization alpha: Double
    ) -> [[TranslationHypothesis]] {
        precondition(K >= 1 && nBest >= 1 && nBest <= K, "beam \(K), n-best \(nBest): need 1 ≤ n-best ≤ beam")
        precondition(maximumLengths.count == sources.count && maximumLengths.allSatisfy { $0 >= 0 }, "maximum lengths")
        guard !sources.isEmpty else { return [] }
        let (fullMemory, initialState, _) = encode(sources, training: false)
        let V = configuration.targetVocabularySize
        typealias Live = TranslationHypothesis   // score unused while live
        // Per sentence: live hypotheses (row b·K + k of the batch) and finished ones.
        var live = sources.indices.map { _ in [Live(ids: [], logProbability: 0, score: 0, alignments: [])] }
        var finished = sources.indices.map { _ in [TranslationHypothesis]() }
        var active = Array(sources.indices)            // sentences still searching, in batch order
        var memory = fullMemory.repeatingRows(K)
        var states = Self.repeatRows(initialState, K)
        var words = [Int](repeating: Self.startID, count: sources.count * K)
        func normalized(_ logProbability: Double, _ length: Int) -> Double {
            alpha == 0 ? logProbability : logProbability / Double.pow(Double(length), alpha)
        }
        /// What a live hypothesis of log-probability `logProbability` and `length` tokens can still
        /// score: at α = 0 its log-probability (exact: it only falls); at α > 0 its score at the
        /// current length (a heuristic, as Hugging Face's: longer hypotheses divide by more).
        func bound(_ logProbability: Double, _ length: Int) -> Double { normalized(logProbability, length) }
        var step = 0
        while !active.isEmpty {
            let (logits, nextStates, weights) = decoder.step(words: words, states: states, memory: memory)
            var keptRows: [Int] = [], keptWords: [Int] = [], stillActive: [Int] = []
            for (slot, sentence) in active.enumerated() {
                let length = sources[sentence].count, last = step >= maximumLengths[sentence]
                // The 2K best (log-probability, beam, word) extensions of this sentence's live beams.
                var best: [(logProbability: Double, beam: Int, word: Int)] = []
                for (k, hypothesis) in live[sentence].enumerated() {
                    let row = slot * K + k
                    let logSoftmax = Self.logSoftmax(logits, row: row)
                    for word in 0..<V where word != Self.paddingID && word != Self.startID && (!last || word == Self.endID) {
                        let candidate = hypothesis.logProbability + logSoftmax[word]
                        guard candidate > -.infinity else { continue }   // a padding beam
                        if best.count == 2 * K, candidate <= best[best.count - 1].logProbability { continue }
                        let position = best.firstIndex { $0.logProbability < candidate } ?? best.count
                        best.insert((candidate, k, word), at: position)
                        if best.count > 2 * K { best.removeLast() }
                    }
                }
                var next: [Live] = []
                for (rank, candidate) in best.enumerated() {
                    let parent = live[sentence][candidate.beam]
                    let alignment = (0..<length).map { Float(weights[slot * K + candidate.beam, $0]) }
                    if candidate.word == Self.endID {
                        // Only an ending among the K best counts (as in fairseq): the others are kept
                        // so that K live extensions remain, not to end the search early.
                        if rank < K {
                            let count = parent.ids.count + 1
                            finished[sentence].append(TranslationHypothesis(
                                ids: parent.ids, logProbability: candidate.logProbability,
                                score: normalized(candidate.logProbability, count),
                                alignments: parent.alignments + [alignment]))
                        }
                    } else if next.count < K {
                        next.append(Live(ids: parent.ids + [candidate.word], logProbability: candidate.logProbability,
                                         score: 0, alignments: parent.alignments + [alignment]))
                        keptRows.append(slot * K + candidate.beam)
                        keptWords.append(candidate.word)
                    }
                }
                // Done when no live hypothesis can still beat the n-th best finished one.
                let scores = finished[sentence].map(\.score).sorted(by: >)
                let bestLive = next.map { bound($0.logProbability, $0.ids.count + 1) }.max() ?? -.infinity
                if last || next.isEmpty || (scores.count >= nBest && scores[nBest - 1] >= bestLive) {
                    // Done: drop the rows kept for it this step.
                    keptRows.removeLast(next.count)
                    keptWords.removeLast(next.count)
                } else {
                    // Pad to K rows by repeating the last live beam with −∞, so every sentence has K rows.
                    while next.count < K {
                        next.append(Live(ids: next[next.count - 1].ids, logProbability: -.infinity, score: 0,
                                         alignments: next[next.count - 1].alignments))
                        keptRows.append(keptRows[keptRows.count - 1])
                        keptWords.append(keptWords[keptWords.count - 1])
                    }
                    live[sentence] = next
                    stillActive.append(sentence)
                }
            }
            if stillActive.isEmpty { break }
            // Sentences that finished leave the batch: select the memory rows of those left.
            if stillActive.count != active.count {
                let slots = stillActive.map { sentence in active.firstIndex(of: sentence)! }
                memory = memory.selectingRows(slots.flatMap { slot in (0..<K).map { slot * K + $0 } })
            }
            states = Self.selectRows(nextStates, keptRows)
            words = keptWords
            active = stillActive
            step += 1
        }
        return finished.map { hypotheses in
            Array(hypotheses.sorted { $0.score > $1.score }.prefix(nBest))
        }
    }

    /// log softmax of one row of logits, in Double.
    static func logSoftmax(_ logits: Matrix<Scalar>, row: Int) -> [Double] {
        let V = logits.cols
        return logits.storage.withUnsafeBufferPointer { z in
            let base = z.baseAddress! + row * V, logTotal = logPartition(base, count: V)
            return (0..<V).map { Double(base[$0]) - logTotal }
        }
    }

    /// log Σ_v exp(z_v) of one row of logits z (V): log p(v) = z_v − logPartition. With the row's
    /// maximum taken out first; 8 lanes at a time, each lane's sum converted to Double at the end.
    static func logPartition(_ z: UnsafePointer<Scalar>, count V: Int) -> Double {
        let body = V - V % 8
        var lanes = SIMD8<Scalar>(repeating: -.infinity)
        for j in stride(from: 0, to: body, by: 8) { lanes = lanes.laneMaximum(z.lanes(j, 8)) }
        var maximum = -Scalar.infinity
        for lane in 0..<8 { maximum = Swift.max(maximum, lanes[lane]) }
        for v in body..<V { maximum = Swift.max(maximum, z[v]) }
        let shift = SIMD8(repeating: maximum)
        var sums = SIMD8<Scalar>()
        for j in stride(from: 0, to: body, by: 8) { sums += Scalar.exponential(z.lanes(j, 8) - shift) }
        var total = 0.0
        for lane in 0..<8 { total += Double(sums[lane]) }
        for v in body..<V { total += Double(Scalar.exponential(z[v] - maximum)) }
        return Double(maximum) + Double.log(total)
    }

    /// Greedy search's next word from a row of logits z (V): the most probable word other than
    /// `<pad>` and `<s>`; on a tie `</s>`, otherwise the lowest id.
    static func bestWord(_ z: UnsafePointer<Scalar>, count V: Int) -> Int {
        // The specials first (`</s>` wins ties), then ids 4… 8 lanes at a time, then the tail.
        var word = endID, best = z[endID]
        if z[1] > best { (word, best) = (1, z[1]) }
        let first = endID + 1, body = first + (V - first) / 8 * 8
        var maxima = SIMD8<Scalar>(repeating: -.infinity), starts = SIMD8<Scalar>()
        for j in stride(from: first, to: body, by: 8) { maxima.formMaximum(z.lanes(j, 8), index: Scalar(j), argument: &starts) }
        var laneWord = -1, laneBest = -Scalar.infinity
        for lane in 0..<8 {
            let v = Int(starts[lane]) + lane
            if maxima[lane] > laneBest || (maxima[lane] == laneBest && v < laneWord) { (laneWord, laneBest) = (v, maxima[lane]) }
        }
        if laneBest > best { (word, best) = (laneWord, laneBest) }
        for v in body..<V where z[v] > best { (word, best) = (v, z[v]) }
        return word
    }

    static func repeatRows(_ matrix: Matrix<Scalar>, _ count: Int) -> Matrix<Scalar> {
        selectRows(matrix, (0..<matrix.rows).flatMap { Array(repeating: $0, count: count) })
    }

    static func selectRows(_ matrix: Matrix<Scalar>, _ rows: [Int]) -> Matrix<Scalar> {
        var result = Matrix<Scalar>(uninitializedRows: rows.count, cols: matrix.cols)
        let width = matrix.cols
        for (n, row) in rows.enumerated() {
            result.storage.replaceSubrange((n * width)..<((n + 1) * width), with: matrix.storage[(row * width)..<((row + 1) * width)])
        }
        return result
    }
}
