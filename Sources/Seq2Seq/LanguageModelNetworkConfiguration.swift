/// The hyper-parameters of a `LanguageModelNetwork`: what builds it and what a model file records.
public struct LanguageModelNetworkConfiguration: Codable, Equatable, Sendable {
    /// V, token ids 0..<V (id 0 `<pad>`, never predicted in practice; `</s>` ends each sentence).
    public var vocabularySize: Int
    /// E, the width of the token vectors.
    public var embeddingDimension: Int
    /// A unidirectional stack; its `inputSize` must be E.
    public var encoder: EncoderConfiguration
    /// Dropout on the token vectors and on the encoder's outputs, in [0, 1); between layers it is
    /// `encoder.dropout`.
    public var dropout: Double
    /// The output layer's weight is the embedding table (Press & Wolf 2017; Inan et al. 2017):
    /// z = h Eᵀ + b, so the hidden size must be E.
    public var tied: Bool

    public init(vocabularySize: Int, embeddingDimension: Int, encoder: EncoderConfiguration, dropout: Double = 0,
                tied: Bool = false) {
        self.vocabularySize = vocabularySize
        self.embeddingDimension = embeddingDimension
        self.encoder = encoder
        self.dropout = dropout
        self.tied = tied
    }

    /// What makes the configuration unusable, phrased with the options' names, or nil.
    public var problem: String? {
        if vocabularySize < 5 { return "the vocabulary has \(vocabularySize) entries: the 4 special tokens and at least one word are needed" }
        if embeddingDimension < 1 { return "--embedding-dim must be positive" }
        if let problem = encoder.problem { return problem }
        if encoder.bidirectional { return "a language model reads left to right: it cannot be bidirectional" }
        if encoder.inputSize != embeddingDimension {
            return "the encoder reads \(encoder.inputSize) inputs, the embedding gives \(embeddingDimension)"
        }
        if tied && encoder.hiddenSize != embeddingDimension {
            return "--tied needs --hidden equal to --embedding-dim (\(encoder.hiddenSize) and \(embeddingDimension))"
        }
        if !(0..<1).contains(dropout) { return "--dropout must be in [0, 1)" }
        return nil
    }
}
