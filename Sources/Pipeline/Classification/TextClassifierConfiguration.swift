import Seq2Seq

/// Everything a sentiment model file says besides its tensors: the pipeline from text to ids, the
/// network's shape, and the labels.
public struct TextClassifierConfiguration: TaskConfiguration, Equatable, Sendable {
    public var tokenize: TokenizeStage
    public var encode: EncodeStage
    public var network: SequenceClassifierConfiguration
    public var label: LabelStage

    public init(tokenize: TokenizeStage, encode: EncodeStage, network: SequenceClassifierConfiguration,
                label: LabelStage) {
        self.tokenize = tokenize
        self.encode = encode
        self.network = network
        self.label = label
    }

    public var textTokenizer: TokenizeStage { tokenize }

    public var problem: String? {
        let n = network
        if n.vocabularySize != encode.vocabulary.count {
            return "the network has \(n.vocabularySize) embeddings for a vocabulary of \(encode.vocabulary.count)"
        }
        if n.classes != label.labels.count { return "the network has \(n.classes) outputs for \(label.labels.count) labels" }
        if n.classes < 2 { return "a classifier needs at least 2 labels" }
        let shown = label.labels.indices.map(label.name(of:))
        if Set(shown).count != shown.count { return "two labels have the same name: \(shown)" }
        if n.encoder.inputSize != n.embeddingDimension { return "the encoder reads \(n.encoder.inputSize) inputs, the embedding gives \(n.embeddingDimension)" }
        if n.embeddingDimension < 1 || n.encoder.hiddenSize < 1 || n.encoder.layers < 1 { return "sizes must be positive" }
        if !(0..<1).contains(n.dropout) || !(0..<1).contains(n.encoder.dropout) { return "dropout outside [0, 1)" }
        return nil
    }
}
