/// The hyper-parameters of a `SequenceTagger`: what builds it and what a model file records.
/// `SequenceTagger<Scalar>.Configuration` is this type: it does not depend on the scalar, so the one
/// configuration builds a `Float` model for training and a `Double` one for gradient checks.
///
/// The encoder reads token vectors of width D + 2Hc: the word vector and, when
/// `characterVocabularySize` > 0, the character features (`characterEncoder`). Without characters
/// Hc and Dc are 0, so `encoder.inputSize` = D + 2Hc holds either way.
public struct SequenceTaggerConfiguration: Codable, Equatable, Sendable {
    /// V, word ids 0..<V; id 0 is `<pad>`.
    public var vocabularySize: Int
    /// D, the width of the word vectors.
    public var embeddingDimension: Int
    /// Vc, character ids 0..<Vc; id 0 is `<pad>`. 0 means no character features.
    public var characterVocabularySize: Int
    /// Dc, the width of the character vectors (0 without character features).
    public var characterEmbeddingDimension: Int
    /// Hc, the hidden width of each direction of the character encoder (0 without character features).
    public var characterHiddenSize: Int
    /// The word-level encoder; its `inputSize` must be D + 2Hc.
    public var encoder: EncoderConfiguration
    /// C, the number of tags.
    public var tagCount: Int
    /// Dropout on the token vectors and on the encoder's outputs, in [0, 1). Dropout between the
    /// encoder's layers is `encoder.dropout`.
    public var dropout: Double
    /// Word dropout in training (`WordDropout`): the share of words read as `<unk>` (their spelling
    /// still reaches the character features), in [0, 1).
    public var wordDropout: Double

    public init(
        vocabularySize: Int, embeddingDimension: Int, characterVocabularySize: Int = 0,
        characterEmbeddingDimension: Int = 0, characterHiddenSize: Int = 0, encoder: EncoderConfiguration,
        tagCount: Int, dropout: Double = 0, wordDropout: Double = 0
    ) {
        self.vocabularySize = vocabularySize
        self.embeddingDimension = embeddingDimension
        self.characterVocabularySize = characterVocabularySize
        self.characterEmbeddingDimension = characterEmbeddingDimension
        self.characterHiddenSize = characterHiddenSize
        self.encoder = encoder
        self.tagCount = tagCount
        self.dropout = dropout
        self.wordDropout = wordDropout
    }

    /// The character encoder, nil without character features: one bidirectional layer (concat) of
    /// the word encoder's cell kind, reading Dc and keeping Hc per direction.
    public var characterEncoder: EncoderConfiguration? {
        guard characterVocabularySize > 0 else { return nil }
        return EncoderConfiguration(cell: encoder.cell, inputSize: characterEmbeddingDimension,
                                    hiddenSize: characterHiddenSize, layers: 1, bidirectional: true, merge: .concat)
    }

    /// Width of the token vectors the encoder reads: D + 2Hc.
    public var tokenWidth: Int { embeddingDimension + 2 * characterHiddenSize }

    /// What is wrong with the values, if anything. Checked where a tagger is built and where a
    /// configuration is decoded.
    var problem: String? {
        if let problem = encoder.problem { return problem }
        if vocabularySize < 2 { return "vocabulary size \(vocabularySize): <pad> and at least one token needed" }
        if embeddingDimension < 1 { return "embedding dimension \(embeddingDimension) < 1" }
        if characterVocabularySize > 0 {
            if characterVocabularySize < 2 {
                return "character vocabulary size \(characterVocabularySize): <pad> and at least one character needed"
            }
            if characterEmbeddingDimension < 1 {
                return "character embedding dimension \(characterEmbeddingDimension) < 1"
            }
            if characterHiddenSize < 1 { return "character hidden size \(characterHiddenSize) < 1" }
        } else {
            if characterVocabularySize < 0 { return "character vocabulary size \(characterVocabularySize) < 0" }
            if characterEmbeddingDimension != 0 || characterHiddenSize != 0 {
                return "character embedding dimension \(characterEmbeddingDimension) and hidden size "
                    + "\(characterHiddenSize) without characters (vocabulary size 0): both must be 0"
            }
        }
        if encoder.inputSize != tokenWidth {
            return "encoder reads \(encoder.inputSize) columns, the token vectors give \(tokenWidth) "
                + "(\(embeddingDimension) + 2 × \(characterHiddenSize))"
        }
        if tagCount < 1 { return "\(tagCount) tags" }
        if !(dropout >= 0 && dropout < 1) { return "dropout \(dropout) outside [0, 1)" }
        if !(wordDropout >= 0 && wordDropout < 1) { return "word dropout \(wordDropout) outside [0, 1)" }
        return nil
    }

    /// Decodes a configuration written by `encode(to:)`; the three character sizes (0, no character
    /// features), `dropout` and `wordDropout` (0) may be left out. Inconsistent values are a
    /// `DecodingError.dataCorrupted` that says which.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        vocabularySize = try container.decode(Int.self, forKey: .vocabularySize)
        embeddingDimension = try container.decode(Int.self, forKey: .embeddingDimension)
        characterVocabularySize = try container.decodeIfPresent(Int.self, forKey: .characterVocabularySize) ?? 0
        characterEmbeddingDimension = try container.decodeIfPresent(Int.self, forKey: .characterEmbeddingDimension) ?? 0
        characterHiddenSize = try container.decodeIfPresent(Int.self, forKey: .characterHiddenSize) ?? 0
        encoder = try container.decode(EncoderConfiguration.self, forKey: .encoder)
        tagCount = try container.decode(Int.self, forKey: .tagCount)
        dropout = try container.decodeIfPresent(Double.self, forKey: .dropout) ?? 0
        wordDropout = try container.decodeIfPresent(Double.self, forKey: .wordDropout) ?? 0
        if let problem {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "tagger configuration: \(problem)"))
        }
    }
}
