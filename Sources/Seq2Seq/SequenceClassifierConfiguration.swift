/// The hyper-parameters of a `SequenceClassifier`: what builds it and what a model file records.
/// `SequenceClassifier<Scalar>.Configuration` is this type: it does not depend on the scalar, so the
/// one configuration builds a `Float` model for training and a `Double` one for gradient checks.
public struct SequenceClassifierConfiguration: Codable, Equatable, Sendable {
    /// V, token ids 0..<V; id 0 is `<pad>`.
    public var vocabularySize: Int
    /// D, the width of the token vectors; must equal `encoder.inputSize` (and V when `oneHot`).
    public var embeddingDimension: Int
    /// Tokens as one-hot vectors: the table is the constant V×V identity, not a parameter.
    public var oneHot: Bool
    public var encoder: EncoderConfiguration
    public var pooling: Pooling
    /// C, the number of classes.
    public var classes: Int
    /// Dropout on the token vectors and on the pooled vector, in [0, 1). Dropout between the
    /// encoder's layers is `encoder.dropout`.
    public var dropout: Double
    /// Word dropout in training (`WordDropout`): the share of tokens read as `<unk>`, in [0, 1).
    public var wordDropout: Double
    /// ε of adversarial training (`AdversarialPerturbation`), ≥ 0; 0 is off.
    public var adversarialEpsilon: Double

    public init(
        vocabularySize: Int, embeddingDimension: Int, oneHot: Bool = false,
        encoder: EncoderConfiguration, pooling: Pooling = .last, classes: Int, dropout: Double = 0,
        wordDropout: Double = 0, adversarialEpsilon: Double = 0
    ) {
        self.vocabularySize = vocabularySize
        self.embeddingDimension = embeddingDimension
        self.oneHot = oneHot
        self.encoder = encoder
        self.pooling = pooling
        self.classes = classes
        self.dropout = dropout
        self.wordDropout = wordDropout
        self.adversarialEpsilon = adversarialEpsilon
    }

    /// What is wrong with the values, if anything. Checked where a classifier is built and
    /// where a configuration is decoded.
    public var problem: String? {
        if let problem = encoder.problem { return problem }
        if vocabularySize < 2 { return "vocabulary size \(vocabularySize): <pad> and at least one token needed" }
        if embeddingDimension < 1 { return "embedding dimension \(embeddingDimension) < 1" }
        if oneHot && embeddingDimension != vocabularySize {
            return "one-hot vectors have the vocabulary's width \(vocabularySize), not \(embeddingDimension)"
        }
        if encoder.inputSize != embeddingDimension {
            return "encoder reads \(encoder.inputSize) columns, the embedding gives \(embeddingDimension)"
        }
        if classes < 1 { return "\(classes) classes" }
        if !(dropout >= 0 && dropout < 1) { return "dropout \(dropout) outside [0, 1)" }
        if !(wordDropout >= 0 && wordDropout < 1) { return "word dropout \(wordDropout) outside [0, 1)" }
        if !(adversarialEpsilon >= 0 && Float(adversarialEpsilon).isFinite) {   // trained in Float
            return "adversarial ε \(adversarialEpsilon) is not a finite number ≥ 0"
        }
        return nil
    }

    /// Decodes a configuration written by `encode(to:)`; `oneHot` (false), `pooling` (last),
    /// `dropout`, `wordDropout` and `adversarialEpsilon` (0) may be left out. Inconsistent values are
    /// a `DecodingError.dataCorrupted` that says which.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        vocabularySize = try container.decode(Int.self, forKey: .vocabularySize)
        embeddingDimension = try container.decode(Int.self, forKey: .embeddingDimension)
        oneHot = try container.decodeIfPresent(Bool.self, forKey: .oneHot) ?? false
        encoder = try container.decode(EncoderConfiguration.self, forKey: .encoder)
        pooling = try container.decodeIfPresent(Pooling.self, forKey: .pooling) ?? .last
        classes = try container.decode(Int.self, forKey: .classes)
        dropout = try container.decodeIfPresent(Double.self, forKey: .dropout) ?? 0
        wordDropout = try container.decodeIfPresent(Double.self, forKey: .wordDropout) ?? 0
        adversarialEpsilon = try container.decodeIfPresent(Double.self, forKey: .adversarialEpsilon) ?? 0
        if let problem {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "classifier configuration: \(problem)"))
        }
    }
}
