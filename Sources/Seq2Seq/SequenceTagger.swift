import Embedding
import Tensor

/// The network of a named-entity tagger (Lample et al. 2016): a score for every tag at every token,
/// from the word's vector and, optionally, from its spelling.
///
///     x_t = dropout([E[w'_t] | f(chars_t)])     (T·B, D + F)   f = `CharacterFeatures`, F = 2Hc (or 0)
///                                                          w' = `WordDropout`(w) in training
///     h   = encoder(x)                          (T·B, W)       W = `encoder.outputSize`
///     e_t = dropout(h_t) Wᵀ + b                 (T·B, C)       emissions, zero on padded steps
///
/// E is a learned table (`embedding.weight`, N(0, 1) or pretrained, optionally frozen; row 0 is
/// `<pad>`, zero and untrained); the character features' parameters are under `chars.`, the
/// encoder's PyTorch names under `encoder.`, the linear layer's `output.weight` and `output.bias`.
/// The loss is the caller's, applied to the emissions: a per-token `SoftmaxCrossEntropy` with its
/// `ignoredTarget` on padded rows, or a CRF over the emissions.
///
/// Only real tokens reach the character encoder, and each distinct spelling in the batch only once
/// (news text repeats "the", ",", "." many times over in a batch): its features are copied to every
/// token spelled so, and backward sums those tokens' gradients before running the character encoder
/// back once. The sums are the same, so are the gradients (up to the order of additions).
public final class SequenceTagger<Scalar: TensorScalar>: ParameterOwner {
    public typealias Configuration = SequenceTaggerConfiguration

    public let configuration: Configuration
    public let embedding: Embedding<Scalar>
    /// nil without character features (`characterVocabularySize` 0).
    public let characters: CharacterFeatures<Scalar>?
    public let encoder: RecurrentEncoder<Scalar>
    public let output: Linear<Scalar>
    public let parameters: [Parameter<Scalar>]
    let dropout: Dropout
    let wordDropout: WordDropout
    /// Draws the masks of the dropouts (words, token vectors, encoder outputs).
    var generator: SeededGenerator

    /// `pretrainedTable` (V, D) replaces the random word table (its `<pad>` row is set to zero);
    /// `freezeEmbedding` keeps the word table fixed (it stays among `parameters`, so files keep it).
    public init(
        configuration: Configuration, pretrainedTable: Matrix<Scalar>? = nil, freezeEmbedding: Bool = false,
        generator: inout SeededGenerator
    ) {
        if let problem = configuration.problem { preconditionFailure("tagger configuration: \(problem)") }
        let (V, D) = (configuration.vocabularySize, configuration.embeddingDimension)
        self.configuration = configuration
        embedding = Embedding(vocabularySize: V, dimension: D, pretrained: pretrainedTable, frozen: freezeEmbedding,
                              name: "embedding.weight", generator: &generator)
        characters = configuration.characterEncoder.map {
            CharacterFeatures(vocabularySize: configuration.characterVocabularySize, encoder: $0, prefix: "chars.",
                              generator: &generator)
        }
        encoder = RecurrentEncoder(configuration: configuration.encoder, prefix: "encoder.", generator: &generator)
        output = Linear(inputSize: encoder.outputSize, outputSize: configuration.tagCount, prefix: "output.",
                        generator: &generator)
        dropout = Dropout(rate: configuration.dropout)
        wordDropout = WordDropout(rate: configuration.wordDropout)
        self.generator = generator.split()
        parameters = embedding.parameters + (characters?.parameters ?? []) + encoder.parameters + output.parameters
        requireUniqueParameterNames()
    }

    /// The exact positions (`SeededGenerator.savedState`) of every generator training draws from:
    /// this model's dropout generator, the encoder's, then (with character features) the character
    /// encoder's. A checkpoint saves them; setting them back makes a resumed run draw the same
    /// dropout masks as an uninterrupted one. Setting states that `SeededGenerator(state:)` rejects,
    /// or a wrong number of them, is a programmer error (validate a file's states first).
    public var generatorStates: [[UInt64]] {
        get {
            [generator.savedState, encoder.dropoutGenerator.savedState]
                + (characters.map { [$0.dropoutGenerator.savedState] } ?? [])
        }
        set {
            let count = characters == nil ? 2 : 3
            precondition(newValue.count == count, "\(newValue.count) generator states, the tagger has \(count)")
            let generators = newValue.map { state in
                guard let generator = SeededGenerator(state: state) else {
                    preconditionFailure("invalid generator state \(state)")
                }
                return generator
            }
            generator = generators[0]
            encoder.dropoutGenerator = generators[1]
            characters?.dropoutGenerator = generators[2]
        }
    }

    /// What forward keeps for backward.
    public struct Cache {
        let ids: [Int]                   // T·B, after word dropout, `<pad>` on padded steps
        let lengths: [Int]               // B
        let spellings: [Int]             // T·B: the row's distinct spelling, −1 on padded steps (or no characters)
        let characters: CharacterFeatures<Scalar>.Cache?
        let tokenMask: Matrix<Scalar>?
        let encoder: RecurrentEncoder<Scalar>.Cache
        let hiddenMask: Matrix<Scalar>?
        let dropped: Matrix<Scalar>      // dropout(h), the linear layer's input (T·B, W)
    }

    /// Time-major word ids (T·B) and the character ids of each token (T·B lists, time-major like the
    /// ids; ignored on padded steps, and altogether without character features, so they may be
    /// empty then) of right-padded sentences with `lengths` (B, each in 1...T) → emissions (T·B, C),
    /// zero on padded steps. Dropout (and only dropout) depends on `training`; ids on padded steps
    /// are ignored.
    public func forward(
        ids: [Int], characters words: [[Int]] = [], lengths: [Int], training: Bool
    ) -> (emissions: Matrix<Scalar>, cache: Cache) {
        let B = lengths.count
        precondition(B > 0 && ids.count % B == 0, "\(ids.count) ids are not T·B for a batch of \(B)")
        let T = ids.count / B
        precondition(lengths.allSatisfy { $0 >= 1 && $0 <= T }, "lengths \(lengths) outside 1...\(T)")
        let realIDs = wordDropout.apply(ids, lengths: lengths, training: training, generator: &generator)

        var spellings: [Int] = []
        var features: (features: Matrix<Scalar>, cache: CharacterFeatures<Scalar>.Cache)?
        if let characters {
            precondition(words.count == T * B, "characters of \(words.count) tokens, the batch has T·B = \(T * B)")
            var distinct: [[Int]] = []
            var index: [[Int]: Int] = [:]
            spellings = [Int](repeating: -1, count: T * B)
            for t in 0..<T { for b in 0..<B where t < lengths[b] {
                let word = words[t * B + b]
                if let k = index[word] {
                    spellings[t * B + b] = k
                } else {
                    spellings[t * B + b] = distinct.count
                    index[word] = distinct.count
                    distinct.append(word)
                }
            } }
            features = characters.forward(words: distinct, training: training)
        }

        let tokens = dropout.forward(concatenated(embedding.forward(realIDs), features?.features, spellings),
                                     training: training, generator: &generator)
        let encoded = encoder.forward(tokens.output, lengths: lengths, training: training)
        let dropped = dropout.forward(encoded.output, training: training, generator: &generator)
        var emissions = output.forward(dropped.output)
        zeroPaddedRows(&emissions, lengths: lengths)
        return (emissions, Cache(ids: realIDs, lengths: lengths, spellings: spellings, characters: features?.cache,
                                 tokenMask: tokens.mask, encoder: encoded.cache, hiddenMask: dropped.mask,
                                 dropped: dropped.output))
    }

    /// Adds every parameter's gradient from ∂L/∂emissions (T·B, C); rows of padded steps are
    /// ignored. The linear layer's, the encoder's, the used rows of the word table (unless frozen),
    /// and through the character features' columns of ∂x, the character encoder's and table's.
    public func backward(emissionsGradient: Matrix<Scalar>, cache: Cache) {
        let B = cache.lengths.count, T = cache.ids.count / B
        precondition(emissionsGradient.rows == T * B && emissionsGradient.cols == configuration.tagCount,
                     "emissions gradient (\(emissionsGradient.rows), \(emissionsGradient.cols)), expected "
                     + "(\(T * B), \(configuration.tagCount))")
        var emissionsGradient = emissionsGradient
        zeroPaddedRows(&emissionsGradient, lengths: cache.lengths)
        let droppedGradient = output.backward(outputGradient: emissionsGradient, input: cache.dropped)
        let hiddenGradient = dropout.backward(droppedGradient, mask: cache.hiddenMask)
        let tokensGradient = dropout.backward(
            encoder.backward(outputGradient: hiddenGradient, cache: cache.encoder).inputGradient,
            mask: cache.tokenMask)
        let (wordsGradient, featuresGradient) = split(tokensGradient, cache.spellings,
                                                      distinct: cache.characters?.count ?? 0)
        if !embedding.isFrozen { embedding.backward(outputGradient: wordsGradient, ids: cache.ids) }
        if let characters, let featuresCache = cache.characters {
            characters.backward(featuresGradient: featuresGradient, cache: featuresCache)
        }
    }

    /// Word vectors (T·B, D) and the features of the distinct spellings (U, F) → token vectors
    /// (T·B, D + F): row r is [words_r | features_{spellings[r]}], with zero features where the
    /// spelling is −1 (padded steps) and no feature columns without character features.
    func concatenated(_ words: Matrix<Scalar>, _ features: Matrix<Scalar>?, _ spellings: [Int]) -> Matrix<Scalar> {
        guard let features else { return words }
        let (N, D, F) = (words.rows, words.cols, features.cols)
        var tokens = Matrix<Scalar>(rows: N, cols: D + F)
        words.storage.withUnsafeBufferPointer { w in
        features.storage.withUnsafeBufferPointer { f in
        tokens.storage.withUnsafeMutableBufferPointer { x in
            for r in 0..<N {
                let row = x.baseAddress! + r * (D + F)
                row.update(from: w.baseAddress! + r * D, count: D)
                if spellings[r] >= 0 { (row + D).update(from: f.baseAddress! + spellings[r] * F, count: F) }
            }
        }}}
        return tokens
    }

    /// The inverse of `concatenated` for gradients: ∂x (T·B, D + F) → ∂words (T·B, D) and ∂features
    /// (U, F), each spelling's row the sum over the tokens spelled so.
    func split(_ gradient: Matrix<Scalar>, _ spellings: [Int], distinct U: Int) -> (Matrix<Scalar>, Matrix<Scalar>) {
        let (N, D) = (gradient.rows, configuration.embeddingDimension), F = gradient.cols - D
        guard F > 0 else { return (gradient, Matrix(rows: 0, cols: 0)) }
        var words = Matrix<Scalar>(uninitializedRows: N, cols: D)
        var features = Matrix<Scalar>(rows: U, cols: F)
        gradient.storage.withUnsafeBufferPointer { g in
        words.storage.withUnsafeMutableBufferPointer { w in
        features.storage.withUnsafeMutableBufferPointer { f in
            for r in 0..<N {
                let row = g.baseAddress! + r * (D + F)
                (w.baseAddress! + r * D).update(from: row, count: D)
                guard spellings[r] >= 0 else { continue }
                let target = f.baseAddress! + spellings[r] * F
                for j in 0..<F { target[j] += row[D + j] }
            }
        }}}
        return (words, features)
    }

    /// Sets the rows of padded steps (t ≥ lengths[b]) of a (T·B, ·) matrix to zero.
    func zeroPaddedRows(_ matrix: inout Matrix<Scalar>, lengths: [Int]) {
        let B = lengths.count, T = matrix.rows / B, C = matrix.cols
        matrix.storage.withUnsafeMutableBufferPointer { m in
            for t in 0..<T { for b in 0..<B where t >= lengths[b] {
                (m.baseAddress! + (t * B + b) * C).update(repeating: 0, count: C)
            } }
        }
    }
}
