import Embedding
import Tensor

/// Character-level word features (Lample et al. 2016, §4.1): a word's characters are embedded and
/// read by a recurrent encoder in both directions, and the word's feature is the final hidden state
/// of each direction: the forward one after the word's last character, the reverse one after reading
/// back to its first.
///
///     c_tn = C[char_tn]                       (Tg·n, Dc) per batch of n words, time-major over characters
///     y, s = encoder(c)                       words right-padded to Tg, the longest of their batch
///     f_n  = [→h_n | ←h_n]                    (N, F), F = 2Hc (concat; Hc when summed or one direction)
///
/// f is `Pooling.last` of the character encoder: the top layer's final h of each direction, so the
/// gradient ∂f enters the encoder through its final states only. C is `\(prefix)embedding.weight`
/// (N(0, 1); row 0 is `<pad>`, zero and untrained, and never part of a word), the encoder's
/// parameters are PyTorch's names under `\(prefix)encoder.`.
///
/// The words run as a few batches of words of similar length (`lengthGroups`), each padded only to
/// its own longest word. One batch of all would cost N·max(len) cell steps: in CoNLL-2003 batches of
/// 32 sentences (about 300 distinct words), the characters fill 37% of such a batch, and a single
/// long token (up to 61 characters) makes every other word pay its length. A word's features do not
/// depend on the other words of its batch, so the grouping changes no result.
/// Shapes: N words (each ≥ 1 character) → features (N, F).
public final class CharacterFeatures<Scalar: TensorScalar>: ParameterOwner {
    public let embedding: Embedding<Scalar>
    public let encoder: RecurrentEncoder<Scalar>
    public let parameters: [Parameter<Scalar>]

    /// Characters are ids 1..<`vocabularySize` (0 is `<pad>`); Dc is `encoder.inputSize`.
    public init(
        vocabularySize: Int, encoder configuration: EncoderConfiguration, prefix: String = "",
        generator: inout SeededGenerator
    ) {
        precondition(vocabularySize >= 2, "character vocabulary of \(vocabularySize): <pad> and a character needed")
        embedding = Embedding(vocabularySize: vocabularySize, dimension: configuration.inputSize, paddingIndex: 0,
                              name: prefix + "embedding.weight", generator: &generator)
        encoder = RecurrentEncoder(configuration: configuration, prefix: prefix + "encoder.", generator: &generator)
        parameters = embedding.parameters + encoder.parameters
        requireUniqueParameterNames()
    }

    /// F, the width of a word's feature vector: the encoder's output width.
    public var outputSize: Int { encoder.outputSize }
    public var vocabularySize: Int { embedding.vocabularySize }

    /// The encoder's generator of dropout masks between its layers (it draws nothing with one layer).
    public var dropoutGenerator: SeededGenerator {
        get { encoder.dropoutGenerator }
        set { encoder.dropoutGenerator = newValue }
    }

    /// What forward keeps for backward.
    public struct Cache {
        let count: Int                       // N
        let groups: [Group]
    }

    /// One batch of words of similar length.
    struct Group {
        let words: [Int]                     // n: the words' indices among the N
        let ids: [Int]                       // Tg·n, time-major, 0 after each word's end
        let lengths: [Int]                   // n, characters per word
        let encoder: RecurrentEncoder<Scalar>.Cache
    }

    /// The character ids of N words (each 1..<V, at least one per word) → features (N, F).
    /// Only the encoder's dropout between layers depends on `training`.
    public func forward(words: [[Int]], training: Bool) -> (features: Matrix<Scalar>, cache: Cache) {
        let N = words.count, V = vocabularySize
        precondition(N > 0, "no words")
        let lengths = words.map(\.count)
        precondition(lengths.allSatisfy { $0 > 0 }, "a word without characters")
        var features = Matrix<Scalar>(rows: N, cols: outputSize)
        var groups: [Group] = []
        for members in Self.lengthGroups(lengths) {
            let n = members.count, T = lengths[members.last!]   // members ascend in length
            var ids = [Int](repeating: 0, count: T * n)
            ids.withUnsafeMutableBufferPointer { ids in
                for (k, word) in members.enumerated() {
                    for (t, id) in words[word].enumerated() {
                        precondition(id >= 1 && id < V, "character id \(id) of word \(word) outside 1..<\(V)")
                        ids[t * n + k] = id
                    }
                }
            }
            let groupLengths = members.map { lengths[$0] }
            let encoded = encoder.forward(embedding.forward(ids), lengths: groupLengths, training: training)
            let pooled = Pooling.last.forward(outputs: encoded.output, finalStates: encoded.finalStates,
                                              lengths: groupLengths, encoder: encoder.configuration).pooled
            copyRows(pooled, to: &features, at: members)
            groups.append(Group(words: members, ids: ids, lengths: groupLengths, encoder: encoded.cache))
        }
        return (features, Cache(count: N, groups: groups))
    }

    /// Adds the gradients of the encoder and of the used rows of the character table from
    /// ∂L/∂features (N, F).
    public func backward(featuresGradient: Matrix<Scalar>, cache: Cache) {
        precondition(featuresGradient.rows == cache.count && featuresGradient.cols == outputSize,
                     "features gradient (\(featuresGradient.rows), \(featuresGradient.cols)), expected "
                     + "(\(cache.count), \(outputSize))")
        for group in cache.groups {
            var pooledGradient = Matrix<Scalar>(uninitializedRows: group.words.count, cols: outputSize)
            copyRows(featuresGradient, at: group.words, to: &pooledGradient)
            let encoded = Pooling.last.backward(pooledGradient: pooledGradient, argmax: [], lengths: group.lengths,
                                                steps: group.ids.count / group.words.count,
                                                encoder: encoder.configuration)
            let charactersGradient = encoder.backward(outputGradient: encoded.outputGradient,
                                                      finalStateGradients: encoded.finalStateGradients,
                                                      cache: group.encoder).inputGradient
            embedding.backward(outputGradient: charactersGradient, ids: group.ids)
        }
    }

    /// Splits words into groups, each run as one batch padded to its longest word: the partition into
    /// runs of the words sorted by length that minimises Σ (n_g + overhead) · T_g, for n_g words of
    /// at most T_g characters per group. n_g·T_g counts the cell steps of the group; `overhead` is the
    /// fixed cost of a time step, in cell steps. Measured (Hc 25, LSTM, release, one core): about 1 µs
    /// per word and step and 4 µs per step, forward and backward, but each batch's own buffers cost
    /// more; on the distinct words of CoNLL-2003 batches of 32 sentences 32 was the fastest of 4 … 256
    /// (4.4 ms against 12.7 ms for one batch).
    /// Returns the words' indices, groups by ascending length, each ascending in length and, within
    /// a length, in index order. Dynamic programming over the distinct lengths L: O(L²).
    public static func lengthGroups(_ lengths: [Int], overhead: Int = 32) -> [[Int]] {
        guard let longest = lengths.max() else { return [] }
        precondition(lengths.allSatisfy { $0 >= 0 }, "negative word length")
        var byLength = [[Int]](repeating: [], count: longest + 1)
        for (word, length) in lengths.enumerated() { byLength[length].append(word) }
        let values = (0...longest).filter { !byLength[$0].isEmpty }   // distinct lengths, ascending
        // best[j]: least cost of the first j distinct lengths; start[j]: where its last group starts.
        var best = [Int](repeating: .max, count: values.count + 1)
        var start = [Int](repeating: 0, count: values.count + 1)
        best[0] = 0
        for j in 1...values.count {
            var words = 0
            for i in stride(from: j, through: 1, by: -1) {   // last group: values[i − 1 ..< j]
                words += byLength[values[i - 1]].count
                let cost = best[i - 1] + (words + overhead) * values[j - 1]
                if cost <= best[j] { (best[j], start[j]) = (cost, i - 1) }   // ties: fewer, larger groups
            }
        }
        var groups: [[Int]] = []
        var end = values.count
        while end > 0 {
            groups.append(values[start[end]..<end].flatMap { byLength[$0] })
            end = start[end]
        }
        return groups.reversed()
    }

    /// Row k of `source` (n, F) into row rows[k] of `target` (N, F).
    func copyRows(_ source: Matrix<Scalar>, to target: inout Matrix<Scalar>, at rows: [Int]) {
        let F = source.cols
        source.storage.withUnsafeBufferPointer { s in
            target.storage.withUnsafeMutableBufferPointer { t in
                for (k, row) in rows.enumerated() { (t.baseAddress! + row * F).update(from: s.baseAddress! + k * F, count: F) }
            }
        }
    }

    /// Row rows[k] of `source` (N, F) into row k of `target` (n, F).
    func copyRows(_ source: Matrix<Scalar>, at rows: [Int], to target: inout Matrix<Scalar>) {
        let F = source.cols
        source.storage.withUnsafeBufferPointer { s in
            target.storage.withUnsafeMutableBufferPointer { t in
                for (k, row) in rows.enumerated() { (t.baseAddress! + k * F).update(from: s.baseAddress! + row * F, count: F) }
            }
        }
    }
}
