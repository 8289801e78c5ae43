import Seq2Seq

/// Everything a tagger model file says besides its tensors: how raw text becomes tokens, how
/// tokens become word and character ids, the network's shape, the tags and their scheme, and
/// whether a CRF decodes.
public struct TaggerConfiguration: TaskConfiguration, Equatable, Sendable {
    /// Raw text → sentences → tokens (`nlp tag` on plain text); case is kept.
    public var tokenize: TokenizeStage
    public var wordKey: WordKey
    public var words: EncodeStage
    /// nil: no character features.
    public var characters: CharacterEncodeStage?
    public var network: SequenceTaggerConfiguration
    /// Output tags by class index, as in the training data.
    public var tags: [String]
    public var scheme: TagScheme
    public var crf: Bool

    public init(tokenize: TokenizeStage, wordKey: WordKey, words: EncodeStage, characters: CharacterEncodeStage?,
                network: SequenceTaggerConfiguration, tags: [String], scheme: TagScheme, crf: Bool) {
        self.tokenize = tokenize
        self.wordKey = wordKey
        self.words = words
        self.characters = characters
        self.network = network
        self.tags = tags
        self.scheme = scheme
        self.crf = crf
    }

    public var textTokenizer: TokenizeStage { tokenize }

    public var problem: String? {
        if network.vocabularySize != words.vocabulary.count {
            return "the network has \(network.vocabularySize) word embeddings for a vocabulary of \(words.vocabulary.count)"
        }
        if network.tagCount != tags.count { return "the network has \(network.tagCount) outputs for \(tags.count) tags" }
        if tags.count < 2 || Set(tags).count != tags.count { return "the tags must be two or more distinct names" }
        if let bad = tags.first(where: { !TagScheme.isEntityTag($0) || $0.contains(" ") || $0.contains("\t") }) {
            return "'\(bad)' is not a tag of an entity scheme"
        }
        let masks = TagScheme.allowedTransitions(tags: tags, scheme: scheme)
        if crf, LinearChainCRF<Float>.firstImpossibleLength(transitions: masks.transitions, start: masks.start, end: masks.end) != nil {
            return "the tags \(tags) allow no complete \(scheme.rawValue) sequence"
        }
        if (characters?.count ?? 0) != network.characterVocabularySize {
            return "the network has \(network.characterVocabularySize) character embeddings for \(characters?.count ?? 0) characters"
        }
        return nil
    }
}
