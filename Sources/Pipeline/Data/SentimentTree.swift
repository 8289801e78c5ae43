import FileIO

/// One sentence of the Stanford Sentiment Treebank in its PTB tree form, every node labelled
/// 0-4 (very negative … very positive):
///
///     (3 (2 (2 The) (2 Rock)) (4 (3 (2 is) (4 great)) (2 .)))
///
/// A node is `(LABEL CHILD …)` or a leaf `(LABEL word)`; a leaf's word runs to its `)` and may hold
/// a space (`(2 2 1\/2)`). Words are decoded: `-LRB-` → `(`, `-RRB-` → `)`, `\X` → `X` (`\/`, `\*`).
/// Errors are `DataError`s with the file, line and column (byte, 1-based).
public struct SentimentTree: Equatable, Sendable {
    /// A labelled phrase: the words `words` of the sentence.
    public struct Node: Equatable, Sendable {
        public var label: Int
        public var words: Range<Int>

        public init(label: Int, words: Range<Int>) {
            self.label = label
            self.words = words
        }
    }

    /// The sentence's words, in order.
    public var words: [String]
    /// Every node, children before their parent: the root is last.
    public var nodes: [Node]
    /// 1-based line of the file.
    public var line: Int

    /// The sentence's label (the root's).
    public var label: Int { nodes[nodes.count - 1].label }
    public var root: Node { nodes[nodes.count - 1] }

    /// The words of `node`, joined by spaces.
    public func text(of node: Node) -> String { words[node.words].joined(separator: " ") }

    /// The largest label; labels run 0...maximumLabel.
    public static let maximumLabel = 4

    /// Parses one line of a tree file.
    public init(parsing line: some Collection<UInt8>, path: String, line number: Int) throws {
        let bytes = Array(line)
        var words: [String] = [], nodes: [Node] = []
        /// The nodes open at `index`: label, first word, column of `(`.
        var open: [(label: Int, firstWord: Int, column: Int)] = []
        var index = 0
        func fail(_ message: String, at position: Int) -> DataError {
            DataError(path: path, line: number, column: position + 1, message)
        }
        func skipSpaces() { while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0D { index += 1 } }

        skipSpaces()
        repeat {
            skipSpaces()
            guard index < bytes.count else {
                guard let opened = open.last?.column else { throw fail("expected '(' to start a tree", at: index) }
                throw fail("unbalanced brackets: the line ends before the ')' of the node opened at column \(opened + 1)", at: index)
            }
            switch bytes[index] {
            case UInt8(ascii: "("):
                let column = index
                index += 1
                let labelStart = index
                while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
                guard index > labelStart else { throw fail("missing label: '(' must be followed by a label 0-\(Self.maximumLabel)", at: labelStart) }
                let label = Int(String(decoding: bytes[labelStart..<index], as: UTF8.self)) ?? Int.max
                guard label <= Self.maximumLabel else {
                    throw fail("label \(String(decoding: bytes[labelStart..<index], as: UTF8.self)) is out of range 0-\(Self.maximumLabel)", at: labelStart)
                }
                guard index < bytes.count, bytes[index] == 0x20 else {
                    throw fail("expected a space after the label", at: index)
                }
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "(") {
                    open.append((label, words.count, column))
                } else {
                    let wordStart = index
                    while index < bytes.count, bytes[index] != UInt8(ascii: ")"), bytes[index] != UInt8(ascii: "(") { index += 1 }
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ")") else {
                        throw index < bytes.count
                            ? fail("'(' inside a word; a leaf is (LABEL word)", at: index)
                            : fail("unbalanced brackets: the line ends before the ')' of the leaf opened at column \(column + 1)", at: index)
                    }
                    let word = Self.decode(bytes[wordStart..<index])
                    guard !word.allSatisfy({ $0 == " " }) else { throw fail("empty word", at: wordStart) }
                    index += 1
                    nodes.append(Node(label: label, words: words.count..<(words.count + 1)))
                    words.append(word)
                }
            case UInt8(ascii: ")"):
                guard let node = open.popLast() else { throw fail("unbalanced brackets: ')' closes no node", at: index) }
                index += 1
                nodes.append(Node(label: node.label, words: node.firstWord..<words.count))
            default:
                throw fail(nodes.isEmpty ? "expected '(' to start a tree" : "expected '(' or ')', found text between nodes", at: index)
            }
        } while !open.isEmpty
        skipSpaces()
        if index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: ")"): throw fail("unbalanced brackets: ')' closes no node", at: index)
            case UInt8(ascii: "("): throw fail("a second tree on the line; one tree a line", at: index)
            default: throw fail("text after the tree; one tree a line", at: index)
            }
        }
        self.words = words
        self.nodes = nodes
        self.line = number
    }

    /// `-LRB-` → `(`, `-RRB-` → `)`, `\X` → `X`.
    static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        if text == "-LRB-" { return "(" }
        if text == "-RRB-" { return ")" }
        guard text.contains("\\") else { return text }
        var decoded = "", escaped = false
        for character in text {
            if character == "\\" && !escaped { escaped = true; continue }
            decoded.append(character)
            escaped = false
        }
        return decoded
    }

    /// The examples of `trees`: each sentence, or with `phrases` each labelled phrase (the
    /// sentence too), labelled as `labels` says. None left is an error about `path`.
    public static func examples(of trees: [SentimentTree], labels: SentimentTreeLabels, phrases: Bool,
                                path: String) throws -> [LabeledText] {
        let examples = trees.flatMap { tree in
            (phrases ? tree.nodes : [tree.root]).compactMap { node in
                labels.label(node.label).map { LabeledText(text: tree.text(of: node), label: $0, line: tree.line) }
            }
        }
        guard !examples.isEmpty else { throw DataError(path: path, "no tree has a label that \(labels) classification keeps") }
        return examples
    }

    /// Every tree of the file at `path`, blank lines skipped. An empty file is an error.
    public static func readAll(path: String) throws -> [SentimentTree] {
        var trees: [SentimentTree] = []
        try LineReader(path: path).forEachLine { bytes, number in
            guard !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) else { return }
            trees.append(try SentimentTree(parsing: bytes, path: path, line: number))
        }
        guard !trees.isEmpty else { throw DataError(path: path, "the file has no trees (it is empty or blank)") }
        return trees
    }
}
