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
            let offsets = Self.codePointOffsets(text)
            let bytes = Array(text.utf8)
            return try sentences.map { sentence in
                let object = SentenceJSON(
                    file: file, line: line, text: String(decoding: bytes[sentence.range], as: UTF8.self),
                    start: lineStart + offsets[sentence.range.lowerBound], end: lineStart + offsets[sentence.range.upperBound],
                    entities: sentence.entities.map {
                        .init(type: $0.type, text: $0.text, start: lineStart + offsets[$0.range.lowerBound],
                              end: lineStart + offsets[$0.range.upperBound], confidence: ($0.confidence * 1e4).rounded() / 1e4)
                    },
                    tokens: sentence.tokens.map {
                        .init(text: String(decoding: bytes[$0.range], as: UTF8.self), tag: $0.tag,
                              start: lineStart + offsets[$0.range.lowerBound], end: lineStart + offsets[$0.range.upperBound])
                    })
                return try CanonicalJSON.string(object) + "\n"
            }.joined()
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

    /// offsets[i] = code points before UTF-8 byte i (for i = 0…count).
    static func codePointOffsets(_ text: String) -> [Int] {
        var offsets: [Int] = []
        offsets.reserveCapacity(text.utf8.count + 1)
        var count = 0
        for byte in text.utf8 {
            if byte & 0xC0 != 0x80 { count += 1 }
            offsets.append(byte & 0xC0 != 0x80 ? count - 1 : count)
        }
        offsets.append(count)
        return offsets
    }

    struct SentenceJSON: Encodable {
        struct Entity: Encodable { var type: String; var text: String; var start: Int; var end: Int; var confidence: Double }
        struct Token: Encodable { var text: String; var tag: String; var start: Int; var end: Int }
        var file: String
        var line: Int
        var text: String
        var start: Int
        var end: Int
        var entities: [Entity]
        var tokens: [Token]
    }
}
