import Seq2Seq

/// Everything a language model file says besides its tensors: the pipeline from text to ids and the
/// network's shape.
public struct LanguageModelConfiguration: TaskConfiguration, Equatable, Sendable {
    public var tokenize: TokenizeStage
    public var encode: EncodeStage
    public var network: LanguageModelNetworkConfiguration

    public init(tokenize: TokenizeStage, encode: EncodeStage, network: LanguageModelNetworkConfiguration) {
        self.tokenize = tokenize
        self.encode = encode
        self.network = network
    }

    public var textTokenizer: TokenizeStage { tokenize }

    public var problem: String? {
        if network.vocabularySize != encode.vocabulary.count {
            return "the network has \(network.vocabularySize) embeddings for a vocabulary of \(encode.vocabulary.count)"
        }
        return network.problem
    }
}
