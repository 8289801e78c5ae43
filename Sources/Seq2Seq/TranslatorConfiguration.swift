/// The shape of an attention translator (`Translator`): vocabularies, widths, cell, attention.
/// Decoding a configuration with values no translator can have throws `DecodingError.dataCorrupted`
/// saying which.
public struct TranslatorConfiguration: Codable, Equatable, Sendable {
    public var sourceVocabularySize: Int
    public var targetVocabularySize: Int
    /// Width E of the source and target word vectors.
    public var embeddingDimension: Int
    /// The source encoder; its `inputSize` is E and its cell is the decoder's too.
    public var encoder: EncoderConfiguration
    /// Hd, the decoder's hidden size.
    public var decoderHiddenSize: Int
    public var attention: AttentionScore
    /// A, the width of additive attention's hidden layer (ignored by dot and general).
    public var attentionSize: Int
    /// Dropout on the word vectors of both sides and on the decoder's outputs, in [0, 1).
    public var dropout: Double
    /// The output layer reuses the target embedding (through a projection to its width).
    public var tieEmbeddings: Bool

    public init(
        sourceVocabularySize: Int, targetVocabularySize: Int, embeddingDimension: Int,
        encoder: EncoderConfiguration, decoderHiddenSize: Int, attention: AttentionScore = .additive,
        attentionSize: Int, dropout: Double = 0, tieEmbeddings: Bool = false
    ) {
        self.sourceVocabularySize = sourceVocabularySize
        self.targetVocabularySize = targetVocabularySize
        self.embeddingDimension = embeddingDimension
        self.encoder = encoder
        self.decoderHiddenSize = decoderHiddenSize
        self.attention = attention
        self.attentionSize = attentionSize
        self.dropout = dropout
        self.tieEmbeddings = tieEmbeddings
    }

    /// What is wrong with the values, if anything.
    public var problem: String? {
        if sourceVocabularySize < 5 || targetVocabularySize < 5 {
            return "vocabularies of \(sourceVocabularySize) and \(targetVocabularySize) entries; each needs the 4 specials and a word"
        }
        if embeddingDimension < 1 { return "embedding dimension \(embeddingDimension) < 1" }
        if encoder.inputSize != embeddingDimension {
            return "encoder input size \(encoder.inputSize) differs from the embedding dimension \(embeddingDimension)"
        }
        if let problem = encoder.problem { return problem }
        if decoderHiddenSize < 1 { return "decoder hidden size \(decoderHiddenSize) < 1" }
        if attention == .additive && attentionSize < 1 { return "attention size \(attentionSize) < 1" }
        if attention == .dot && decoderHiddenSize != encoder.outputSize {
            return "dot attention needs the decoder hidden size (\(decoderHiddenSize)) to equal the encoder output size (\(encoder.outputSize))"
        }
        if !(dropout >= 0 && dropout < 1) { return "dropout \(dropout) outside [0, 1)" }
        return nil
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sourceVocabularySize = try container.decode(Int.self, forKey: .sourceVocabularySize)
        targetVocabularySize = try container.decode(Int.self, forKey: .targetVocabularySize)
        embeddingDimension = try container.decode(Int.self, forKey: .embeddingDimension)
        encoder = try container.decode(EncoderConfiguration.self, forKey: .encoder)
        decoderHiddenSize = try container.decode(Int.self, forKey: .decoderHiddenSize)
        attention = try container.decode(AttentionScore.self, forKey: .attention)
        attentionSize = try container.decode(Int.self, forKey: .attentionSize)
        dropout = try container.decode(Double.self, forKey: .dropout)
        tieEmbeddings = try container.decodeIfPresent(Bool.self, forKey: .tieEmbeddings) ?? false
        if let problem {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "translator configuration: \(problem)"))
        }
    }
}
