/// One tagged sentence as `nlp tag --output json` writes it and `nlp serve` returns it: its text
/// and span, entities (type, text, span, confidence to 4 decimals) and tokens (text, tag, span).
/// Spans count Unicode code points (as Python's str indexes) from `offset`: the start of the file
/// for `nlp tag`, of the request's text for `nlp serve`, which has no file and line.
public struct TaggedSentenceJSON: Encodable, Sendable {
    public struct Entity: Encodable, Sendable { var type: String; var text: String; var start: Int; var end: Int; var confidence: Double }
    public struct Token: Encodable, Sendable { var text: String; var tag: String; var start: Int; var end: Int }
    public var file: String?
    public var line: Int?
    public var text: String
    public var start: Int
    public var end: Int
    public var entities: [Entity]
    public var tokens: [Token]

    /// The sentences of one line or text, `text` being what they were tagged in.
    public static func sentences(_ sentences: [TaggedSentence], in text: String, offset: Int = 0,
                                 file: String? = nil, line: Int? = nil) -> [TaggedSentenceJSON] {
        let offsets = codePointOffsets(text)
        let bytes = Array(text.utf8)
        let span = { (range: Range<Int>) in (offset + offsets[range.lowerBound], offset + offsets[range.upperBound]) }
        return sentences.map { sentence in
            let (start, end) = span(sentence.range)
            return TaggedSentenceJSON(
                file: file, line: line, text: String(decoding: bytes[sentence.range], as: UTF8.self),
                start: start, end: end,
                entities: sentence.entities.map { entity in
                    let (start, end) = span(entity.range)
                    return Entity(type: entity.type, text: entity.text, start: start, end: end,
                                  confidence: (entity.confidence * 1e4).rounded() / 1e4)
                },
                tokens: sentence.tokens.map { token in
                    let (start, end) = span(token.range)
                    return Token(text: String(decoding: bytes[token.range], as: UTF8.self), tag: token.tag, start: start, end: end)
                })
        }
    }

    /// offsets[i] = code points before UTF-8 byte i (for i = 0…count).
    public static func codePointOffsets(_ text: String) -> [Int] {
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

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(file, forKey: .file)
        try container.encodeIfPresent(line, forKey: .line)
        try container.encode(text, forKey: .text)
        try container.encode(start, forKey: .start)
        try container.encode(end, forKey: .end)
        try container.encode(entities, forKey: .entities)
        try container.encode(tokens, forKey: .tokens)
    }

    enum CodingKeys: String, CodingKey { case file, line, text, start, end, entities, tokens }
}
