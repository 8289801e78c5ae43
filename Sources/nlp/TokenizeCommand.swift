import FileIO
import ArgumentParser
import Tokenize

/// `nlp tokenize`: ICU word tokenization of text files or standard input.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Split text into word and punctuation tokens (ICU word breaking).",
        discussion: """
            Reads UTF-8 text with one sentence (or paragraph) per line from the FILEs, or from \
            standard input when no FILE is given, and writes one line per input line: the tokens \
            separated by single spaces. Whitespace is dropped and punctuation becomes separate \
            tokens; words keep inner apostrophes and dots (don't, l'homme, U.S, 3.50) while \
            hyphenated words are split (e - mail). Chinese, Japanese and Thai are split into \
            words by ICU's dictionaries.

            Lines are split on "\\n" only. Invalid UTF-8 stops the command with \
            'FILE:LINE: invalid UTF-8 ...' on stderr and exit status 1.

            Examples:
              $ echo "Don't panic, it's only a test!" | nlp tokenize
              Don't panic , it's only a test !
              $ echo "Die Straße ist schön." | nlp tokenize --case-fold
              die strasse ist schön .
              $ echo "Hi, you." | nlp tokenize --offsets
              [{"text":"Hi","start":0,"end":2},{"text":",","start":2,"end":3},...]
              $ nlp tokenize --sentences --lower notes.txt > notes.tok
            """
    )

    @OptionGroup var options: TokenizerOptions

    @Flag(help: """
        Write a JSON array per line instead: {"text":…,"start":…,"end":…} for each token, with \
        UTF-8 byte offsets into the input line (text is the normalized token).
        """)
    var offsets = false

    @Flag(help: "Split each input line into sentences first and write one sentence per output line.")
    var sentences = false

    @Argument(help: ArgumentHelp("UTF-8 text files, one sentence per line (default: standard input).",
                                 valueName: "file"))
    var files: [String] = []

    func run() throws {
        let lineTokenizer = try LineTokenizer(
            tokenizer: options.makeTokenizer(), format: offsets ? .jsonOffsets : .text,
            splitSentences: sentences)
        // Check every file first, so a missing one fails before any output; then open and read
        // them one at a time (at most one descriptor open, whatever the number of files).
        try TextLineChunks.checkReadable(files)
        let writer = BufferedWriter(standardOutputWithThreshold: 1 << 16)
        do {
            let inputs: [String?] = files.isEmpty ? [nil] : files
            for input in inputs {
                let reader = try TextLineChunks.reader(for: input, standardInputChunk: 1 << 20)
                try reader.forEachBlock { block, _ in
                    lineTokenizer.process(block, into: &writer.buffer)
                    try writer.flushIfFull()
                }
            }
            try writer.flush()
        } catch {
            try? writer.flush()  // keep the output of the lines before the error
            throw error
        }
    }
}
