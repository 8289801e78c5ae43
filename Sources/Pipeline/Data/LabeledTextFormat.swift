import FileIO
import Tokenize

/// The line formats of classification files.
///
/// - `labelFirst`: `LABEL text`, the label up to the first space (the SST and CR files:
///   `1 a gorgeous , witty , seductive movie .`).
/// - `tsv`: `text<TAB>label`, the label after the last TAB.
/// - `sstTrees`: one `SentimentTree` a line (the Stanford Sentiment Treebank's PTB trees); read
///   as its sentences, or for training as every labelled phrase, with labels as
///   `SentimentTreeLabels` says.
///
/// Blank lines are skipped; a line without a label or without text is an error naming the line.
public enum LabeledTextFormat: String, Codable, CaseIterable, Sendable {
    case labelFirst = "label-first"
    case tsv
    case sstTrees = "sst-trees"

    /// `sstTrees` when the first non-blank line of `path` starts with `(` and a digit, `tsv` when
    /// it holds a TAB, `labelFirst` otherwise.
    public static func detect(path: String) throws -> LabeledTextFormat {
        var format: LabeledTextFormat?
        struct Found: Error {}
        do {
            try LineReader(path: path).forEachLine { line, _ in
                guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) else { return }
                let start = line.drop { $0 == 0x20 }
                if start.first == UInt8(ascii: "("), let next = start.dropFirst().first, (0x30...0x39).contains(next) {
                    format = .sstTrees
                } else {
                    format = line.contains(9) ? .tsv : .labelFirst
                }
                throw Found()
            }
        } catch is Found {}
        guard let format else { throw DataError(path: path, "the file has no examples (it is empty or blank)") }
        return format
    }

    /// Reads every example of `path`. Of a tree file, the sentences (`phrases`: every labelled
    /// phrase, the sentence too, each a separate example), labelled as `treeLabels` says.
    public func read(path: String, treeLabels: SentimentTreeLabels = .binary, phrases: Bool = false) throws -> [LabeledText] {
        if self == .sstTrees {
            return try SentimentTree.examples(of: SentimentTree.readAll(path: path), labels: treeLabels, phrases: phrases, path: path)
        }
        var examples: [LabeledText] = []
        try LineReader(path: path).forEachLine { bytes, number in
            var line = String(decoding: bytes, as: UTF8.self)   // UTF-8 was checked by the reader
            if line.hasSuffix("\r") { line.removeLast() }
            guard !line.allSatisfy({ $0 == " " || $0 == "\t" }) else { return }
            examples.append(try parse(line, path: path, number: number))
        }
        guard !examples.isEmpty else { throw DataError(path: path, "the file has no examples (it is empty or blank)") }
        return examples
    }

    func parse(_ line: String, path: String, number: Int) throws -> LabeledText {
        let text: Substring, label: Substring
        switch self {
        case .labelFirst:
            guard let space = line.firstIndex(of: " ") else {
                throw DataError(path: path, line: number,
                                "expected 'LABEL text' (label, one space, text); found no space. Use --format tsv for 'text<TAB>label' files")
            }
            label = line[..<space]
            text = line[line.index(after: space)...]
            guard !label.contains("\t") else {
                throw DataError(path: path, line: number, "the label '\(label)' holds a TAB; is this a 'text<TAB>label' file? Use --format tsv")
            }
        case .sstTrees:
            preconditionFailure("tree files are read whole by read(path:)")
        case .tsv:
            guard let tab = line.lastIndex(of: "\t") else {
                throw DataError(path: path, line: number, "expected 'text<TAB>label'; found no TAB")
            }
            text = line[..<tab]
            label = line[line.index(after: tab)...]
        }
        let trimmedLabel = label.trimmingSpaces, trimmedText = text.trimmingSpaces
        guard !trimmedLabel.isEmpty else { throw DataError(path: path, line: number, "empty label") }
        guard !trimmedText.isEmpty else { throw DataError(path: path, line: number, "empty text (label '\(trimmedLabel)')") }
        return LabeledText(text: String(trimmedText), label: String(trimmedLabel), line: number)
    }
}

extension Substring {
    /// Without leading and trailing spaces and TABs.
    var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[first...last]
    }
}
