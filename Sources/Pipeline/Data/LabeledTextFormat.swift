import FileIO
import Tokenize

/// The line formats of classification files.
///
/// - `labelFirst`: `LABEL text`, the label up to the first space (the SST and CR files:
///   `1 a gorgeous , witty , seductive movie .`).
/// - `tsv`: `text<TAB>label`, the label after the last TAB.
///
/// Blank lines are skipped; a line without a label or without text is an error naming the line.
public enum LabeledTextFormat: String, Codable, CaseIterable, Sendable {
    case labelFirst = "label-first"
    case tsv

    /// `tsv` when the first non-blank line of `path` holds a TAB, `labelFirst` otherwise.
    public static func detect(path: String) throws -> LabeledTextFormat {
        var format: LabeledTextFormat?
        struct Found: Error {}
        do {
            try LineReader(path: path).forEachLine { line, _ in
                guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) else { return }
                format = line.contains(9) ? .tsv : .labelFirst
                throw Found()
            }
        } catch is Found {}
        guard let format else { throw DataError(path: path, "the file has no examples (it is empty or blank)") }
        return format
    }

    /// Reads every example of `path`.
    public func read(path: String) throws -> [LabeledText] {
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
