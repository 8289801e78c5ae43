import FileIO
import ArgumentParser
import Foundation
import Pipeline
import Tensor
import Tokenize

/// `nlp tag`: named entities in text files.
struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Tag named entities in text files (or in CoNLL files).",
        discussion: """
            Plain text (the default): each line is split into sentences and tokens as the model was \
            configured, and written out in input order as
              --output inline   the line with entities marked: [PER John Smith] visited [LOC Paris].
              --output json     one object per sentence: file, line, text, start/end, entities \
            (type, text, start, end, confidence) and tokens (text, tag, start, end); offsets count \
            Unicode code points from the start of the file (as Python's str indexes)
              --output conll    one 'token tag' line per token, a blank line after each sentence
            --input conll reads tokenized CoNLL files instead and writes them back with the \
            predicted tag as an extra last column. Files stream in chunks, in bounded memory.

            Without --model the English model models/ner-en.safetensors is used.

            Example:
              $ echo "John Smith visited Paris last May." | nlp tag
              [PER John Smith] visited [LOC Paris] last May.
            """)

    enum Input: String, ExpressibleByArgument, CaseIterable { case text, conll }
    enum Output: String, ExpressibleByArgument, CaseIterable { case inline, json, conll }

    @Option(help: ArgumentHelp("The model file (default: models/ner-en.safetensors); give several to tag with their ensemble (mean scores).", valueName: "model"))
    var model: [String] = []

    @Option(help: "Input format: text or conll.")
    var input = Input.text

    @Option(help: "Output format for text input: inline, json or conll.")
    var output = Output.inline

    @Option(help: "With --input conll: the column of the tokens (0-based); the file may have only that one.")
    var tokenColumn = 0

    @OptionGroup var runtime: RuntimeArguments
    @OptionGroup var precision: PrecisionArgument

    @Argument(help: ArgumentHelp("UTF-8 files (standard input when none, or for -).", valueName: "file"))
    var files: [String] = []

    static let defaultModelName = "ner-en.safetensors"
    static let chunkLines = 2000

    func validate() throws {
        if tokenColumn < 0 { throw ValidationError("--token-column counts from 0") }
        if input == .conll && output != .inline && output != .conll {
            throw ValidationError("--input conll writes CoNLL (the input with a predicted-tag column); drop --output")
        }
    }

    func run() throws {
        runtime.configure(precision: precision)
        let tagger = try TaggerModel.load(model.isEmpty ? [DefaultModel.path(Self.defaultModelName)] : model)
        try TextLineChunks.checkReadable(files)
        let out = BufferedWriter(standardOutputWithThreshold: 1 << 16)
        switch input {
        case .conll:
            let writer = CoNLLWriter()
            for file in files.isEmpty ? ["/dev/stdin"] : files.map({ $0 == "-" ? "/dev/stdin" : $0 }) {
                var pending: [CoNLLSentence] = []
                func flush() throws {
                    for (sentence, tags) in zip(pending, tagger.tag(tokens: pending.map(\.tokens))) {
                        writer.append(sentence, predicted: tags.map(\.tag), to: &out.buffer)
                    }
                    try out.flush()
                    pending.removeAll(keepingCapacity: true)
                }
                try CoNLLReader(path: file, tokenColumn: tokenColumn, tagColumn: .none).forEachSentence { sentence in
                    pending.append(sentence)
                    if pending.count >= Self.chunkLines { try flush() }
                }
                try flush()
            }
        case .text:
            // Checked up front, opened one at a time: any number of files within the descriptor limit.
            for file in files.isEmpty ? [nil] : files.map(Optional.some) {
                try Self.tagText(try TextLineChunks.reader(for: file), name: file ?? "-", tagger: tagger, output: output) {
                    out.append($0)
                    try out.flush()
                }
            }
        }
    }

    /// Tags the lines of `reader` in chunks, passing each chunk's output to `emit` in input order;
    /// returns the number of tokens tagged.
    @discardableResult
    static func tagText(_ reader: LineReader, name: String, tagger: TaggerModel, output: Output,
                        emit: (String) throws -> Void) throws -> Int {
        var formatter = TaggedTextFormatter(file: name, output: output)
        var pending: [(line: Int, text: String)] = []
        var tokens = 0
        func flush() throws {
            let tagged = tagger.tag(pending.map(\.text))
            var text = ""
            for ((line, lineText), sentences) in zip(pending, tagged) {
                text += try formatter.format(line: line, text: lineText, sentences: sentences)
                tokens += sentences.reduce(0) { $0 + $1.tokens.count }
            }
            try emit(text)
            pending.removeAll(keepingCapacity: true)
        }
        try reader.forEachLine { bytes, number in
            pending.append((number, String(decoding: bytes, as: UTF8.self)))
            if pending.count >= chunkLines { try flush() }
        }
        try flush()
        return tokens
    }
}
