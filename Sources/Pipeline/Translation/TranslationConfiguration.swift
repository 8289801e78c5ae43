import Seq2Seq

/// Everything a translation model file says besides its tensors: the subword pipeline (one joint
/// byte-pair encoding for both languages), the two vocabularies of pieces, the network's shape.
public struct TranslationConfiguration: TaskConfiguration, Equatable, Sendable {
    public var subword: SubwordStage
    public var sourceEncode: EncodeStage
    public var targetEncode: EncodeStage
    public var network: TranslatorConfiguration

    public init(subword: SubwordStage, sourceEncode: EncodeStage, targetEncode: EncodeStage, network: TranslatorConfiguration) {
        self.subword = subword
        self.sourceEncode = sourceEncode
        self.targetEncode = targetEncode
        self.network = network
    }

    public var textTokenizer: TokenizeStage { subword.tokenize }

    public var problem: String? {
        if network.sourceVocabularySize != sourceEncode.vocabulary.count {
            return "the network has \(network.sourceVocabularySize) source embeddings for a vocabulary of \(sourceEncode.vocabulary.count)"
        }
        if network.targetVocabularySize != targetEncode.vocabulary.count {
            return "the network has \(network.targetVocabularySize) target outputs for a vocabulary of \(targetEncode.vocabulary.count)"
        }
        return network.problem
    }
}
