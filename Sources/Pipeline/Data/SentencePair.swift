/// One translation example: a source sentence and its target, as read from a parallel corpus
/// (trimmed of surrounding whitespace), with where they were.
public struct SentencePair: Hashable, Codable, Sendable {
    public var source: String
    public var target: String
    /// 1-based line of the pair: the same line in both files of a two-file corpus, or the line
    /// of a TAB-separated file.
    public var line: Int

    public init(source: String, target: String, line: Int) {
        self.source = source
        self.target = target
        self.line = line
    }
}
