/// Writes sentences read by `CoNLLReader` back in the same layout, with one more column: the
/// predicted tag. This is the input of conlleval (`token ... gold predicted`):
///
/// ```
/// -DOCSTART- -X- -X- O O
///
/// EU NNP B-NP B-ORG B-ORG
/// rejects VBZ B-VP O O
///
/// ```
///
/// - Each line is the sentence's columns, then the predicted tag, joined by `separator`.
/// - Each sentence is followed by a blank line (also the last one).
/// - A sentence's `documentStart` line is written before it, followed by a blank line, with an
///   extra `O` column so that every line has the same number of columns (as conlleval wants).
///
/// The writer appends UTF-8 bytes to a buffer (for example `BufferedWriter.buffer`); opening,
/// flushing and writing files atomically are the caller's job.
public struct CoNLLWriter: Sendable {
    /// Put between columns: `" "` (CoNLL-2003) or `"\t"` (WNUT-17).
    public var separator: String

    public init(separator: String = " ") {
        precondition(separator == " " || separator == "\t", "CoNLL columns are separated by a space or a TAB")
        self.separator = separator
    }

    /// Appends `sentence` with `predicted` (one tag per token) as its last column.
    public func append(_ sentence: CoNLLSentence, predicted: [String], to output: inout [UInt8]) {
        precondition(predicted.count == sentence.count,
                     "\(predicted.count) predicted tags for a sentence of \(sentence.count) tokens")
        if let documentStart = sentence.documentStart {
            appendLine(documentStart, extra: "O", to: &output)
            output.append(0x0A)
        }
        for (row, tag) in zip(sentence.rows, predicted) {
            precondition(!tag.isEmpty && !tag.utf8.contains(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }),
                         "a tag is one non-empty column: '\(tag)'")
            appendLine(row, extra: tag, to: &output)
        }
        output.append(0x0A)
    }

    /// All `sentences`, each with its predicted tags, as one byte array.
    public func write(_ sentences: [CoNLLSentence], predicted: [[String]]) -> [UInt8] {
        precondition(sentences.count == predicted.count, "one tag sequence per sentence")
        var output: [UInt8] = []
        for (sentence, tags) in zip(sentences, predicted) { append(sentence, predicted: tags, to: &output) }
        return output
    }

    private func appendLine(_ columns: [String], extra: String, to output: inout [UInt8]) {
        for column in columns {
            output.append(contentsOf: column.utf8)
            output.append(contentsOf: separator.utf8)
        }
        output.append(contentsOf: extra.utf8)
        output.append(0x0A)
    }
}
