import Foundation
import Pipeline

/// Writes tagged lines of a text file as `nlp tag --output inline|json|conll`, keeping the count
/// of code points before each line so that JSON offsets are offsets into the whole file.
struct TaggedTextFormatter {
    let file: String
    let output: TagCommand.Output
    /// Unicode code points in the file before the current line (newlines included).
    private var lineStart = 0

    init(file: String, output: TagCommand.Output) {
        self.file = file
        self.output = output
    }

    /// The output for one input line (1-based `line`), and moves past it.
    mutating func format(line: Int, text: String, sentences: [TaggedSentence]) throws -> String {
        defer { lineStart += text.unicodeScalars.count + 1 }
        switch output {
        case .inline:
            return Self.inline(text, sentences: sentences) + "\n"
        case .conll:
            return sentences.map { sentence in
                sentence.tokens.map { "\($0.text) \($0.tag)\n" }.joined() + "\n"
            }.joined()
        case .json:
            return try TaggedSentenceJSON.sentences(sentences, in: text, offset: lineStart, file: file, line: line)
                .map { try CanonicalJSON.string($0) + "\n" }.joined()
        }
    }

    /// `[TYPE text]` around each entity, everything else as written.
    static func inline(_ text: String, sentences: [TaggedSentence]) -> String {
        let bytes = Array(text.utf8)
        var result: [UInt8] = [], position = 0
        for entity in sentences.flatMap(\.entities) {
            result += bytes[position..<entity.range.lowerBound]
            result += Array("[\(entity.type) ".utf8) + bytes[entity.range] + Array("]".utf8)
            position = entity.range.upperBound
        }
        result += bytes[position...]
        return String(decoding: result, as: UTF8.self)
    }
}
