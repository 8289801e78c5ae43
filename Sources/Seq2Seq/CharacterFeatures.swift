import Embedding
import Tensor

/// Character-level word features (Lample et al. 2016, §4.1): a word's characters are embedded and
/// read by a recurrent encoder in both directions, and the word's feature is the final hidden state
/// of each direction: the forward one after the word's last character, the reverse one after reading
/// back to its first.
///
///     c_tn = C[char_tn]                       (Tc·N, Dc), time-major over characters
///     y, s = encoder(c)                       words right-padded to Tc, the longest word
///     f_n  = [→h_n | ←h_n]                    (N, F), F = 2Hc (concat; Hc when summed or one direction)
///
/// f is `Pooling.last` of the character encoder: the top layer's final h of each direction, so the
/// gradient ∂f enters the encoder through its final states only. C is `\(prefix)embedding.weight`
/// (N(0, 1); row 0 is `<pad>`, zero and untrained, and never part of a word), the encoder's
/// parameters are PyTorch's names under `\(prefix)encoder.`.
///
/// All N words run as one batch of Tc steps, so the N words cost N·Tc cell steps whatever their
/// lengths. Shapes: N words (each ≥ 1 character) → features (N, F).
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
        let ids: [Int]                       // Tc·N, time-major, 0 after each word's end
        let lengths: [Int]                   // N, characters per word
        let encoder: RecurrentEncoder<Scalar>.Cache
    }

    /// The character ids of N words (each 1..<V, at least one per word) → features (N, F).
    /// Only the encoder's dropout between layers depends on `training`.
    public func forward(words: [[Int]], training: Bool) -> (features: Matrix<Scalar>, cache: Cache) {
        let N = words.count
        precondition(N > 0, "no words")
        let lengths = words.map(\.count)
        precondition(lengths.allSatisfy { $0 > 0 }, "a word without characters")
        let T = lengths.max()!, V = vocabularySize
        var ids = [Int](repeating: 0, count: T * N)
        ids.withUnsafeMutableBufferPointer { ids in
            for (n, word) in words.enumerated() {
                for (t, id) in word.enumerated() {
                    precondition(id >= 1 && id < V, "character id \(id) of word \(n) outside 1..<\(V)")
                    ids[t * N + n] = id
                }
            }
        }
        let encoded = encoder.forward(embedding.forward(ids), lengths: lengths, training: training)
        let features = Pooling.last.forward(outputs: encoded.output, finalStates: encoded.finalStates,
                                            lengths: lengths, encoder: encoder.configuration).pooled
        return (features, Cache(ids: ids, lengths: lengths, encoder: encoded.cache))
    }

    /// Adds the gradients of the encoder and of the used rows of the character table from
    /// ∂L/∂features (N, F).
    public func backward(featuresGradient: Matrix<Scalar>, cache: Cache) {
        let N = cache.lengths.count
        precondition(featuresGradient.rows == N && featuresGradient.cols == outputSize,
                     "features gradient (\(featuresGradient.rows), \(featuresGradient.cols)), expected "
                     + "(\(N), \(outputSize))")
        let encoded = Pooling.last.backward(pooledGradient: featuresGradient, argmax: [], lengths: cache.lengths,
                                            steps: cache.ids.count / N, encoder: encoder.configuration)
        let charactersGradient = encoder.backward(outputGradient: encoded.outputGradient,
                                                  finalStateGradients: encoded.finalStateGradients,
                                                  cache: cache.encoder).inputGradient
        embedding.backward(outputGradient: charactersGradient, ids: cache.ids)
    }
}
