import FileIO
import ArgumentParser
import Tokenize

/// `nlp vocab build`: count tokens over corpus files and write a vocabulary file.
struct VocabBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Count the tokens of text files and write a vocabulary file.",
        discussion: """
            Tokenizes every line of the FILEs exactly as 'nlp tokenize' does (same --locale, \
            --lower, --case-fold and --normalize options), counts the tokens, keeps those seen at \
            least --min-count times, orders them by count (most frequent first, ties in code point \
            order), cuts the list to --max-size entries (the 4 special tokens included) and writes \
            the vocabulary to the --output file.

            Files are streamed in chunks, so they may be larger than memory. The output is written \
            to a temporary file beside it and renamed into place, so an error never leaves a \
            half-written vocabulary.

            Example:
              $ nlp vocab build train.en --min-count 2 --max-size 10000 --lower -o vocab.en.txt
            """
    )

    @OptionGroup var options: TokenizerOptions

    @Option(help: "Keep only tokens seen at least this many times.")
    var minCount = 1

    @Option(help: "Keep at most this many entries, the 4 special tokens included (default: no limit).")
    var maxSize: Int?

    @Option(name: [.short, .long], help: ArgumentHelp("The vocabulary file to write.", valueName: "file"))
    var output: String

    @Argument(help: ArgumentHelp("UTF-8 text files, one sentence per line.", valueName: "file"))
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("Give at least one text file to count.") }
        if minCount < 1 { throw ValidationError("--min-count must be at least 1.") }
        if let maxSize, maxSize < Vocabulary.specialTokens.count {
            throw ValidationError("--max-size must be at least 4 (room for <pad>, <unk>, <s>, </s>).")
        }
    }

    func run() throws {
        let tokenizer = try options.makeTokenizer()
        // Check every file first (a missing one fails before any work), then open them one at a
        // time, so any number of files works within the descriptor limit.
        for file in files { try InputFile.checkReadable(file) }
        var builder = VocabularyBuilder()
        for file in files { try builder.addFile(file, tokenizer: tokenizer) }
        let vocabulary = builder.build(minimumCount: minCount, maximumSize: maxSize)
        try vocabulary.save(to: output)
        let kept = vocabulary.count - Vocabulary.specialTokens.count
        print("\(output): \(vocabulary.count) entries (4 special + \(kept) of \(builder.counts.count) distinct tokens) "
              + "from \(builder.totalCount) tokens in \(files.count) file\(files.count == 1 ? "" : "s")")
        if builder.totalCount == 0 {
            printError("warning: the input has no tokens; the vocabulary holds only the special tokens")
        }
    }
}
