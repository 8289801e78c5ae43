/// One classification example: a text and its label as written in the file, with where it was.
public struct LabeledText: Equatable, Sendable {
    public var text: String
    public var label: String
    /// 1-based line in the file it was read from.
    public var line: Int

    public init(text: String, label: String, line: Int) {
        self.text = text
        self.label = label
        self.line = line
    }
}
