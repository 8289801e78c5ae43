import Seq2Seq
import Tokenize

/// Everything a language model file says besides its tensors: the pipeline from text to ids, how
/// lines are read (one at a time, or as a stream), and the network's shape.
public struct LanguageModelConfiguration: TaskConfiguration, Equatable, Sendable {
    public var tokenize: TokenizeStage
    /// A subword model's byte-pair encoding (its `tokenize` is `tokenize`); nil: a word model.
    public var subword: SubwordStage?
    public var encode: EncodeStage
    /// nil: each line is a sequence of its own, read from a zero state. n: consecutive lines are
    /// read as a stream, in blocks of up to n tokens cut at line ends (`LanguageModel.blocks`), the
    /// state carried across the lines of a block.
    public var streamBlock: Int?
    public var network: LanguageModelNetworkConfiguration

    public init(tokenize: TokenizeStage, subword: SubwordStage? = nil, encode: EncodeStage, streamBlock: Int? = nil,
                network: LanguageModelNetworkConfiguration) {
        self.tokenize = tokenize
        self.subword = subword
        self.encode = encode
        self.streamBlock = streamBlock
        self.network = network
    }

    public var textTokenizer: TokenizeStage { tokenize }

    /// The tokens the network reads for `text`: its subword pieces, or its words.
    public func tokens(of text: String) -> [String] { subword?.pieces(of: text) ?? tokenize(text) }

    public var problem: String? {
        if network.vocabularySize != encode.vocabulary.count {
            return "the network has \(network.vocabularySize) embeddings for a vocabulary of \(encode.vocabulary.count)"
        }
        if let subword, subword.tokenize != tokenize { return "the subword stage tokenizes differently from the model" }
        if let streamBlock, streamBlock < 2 { return "a stream block of \(streamBlock) tokens: at least 2 are needed" }
        return network.problem
    }
}
