import ArgumentParser
import Tokenize

/// `nlp vocab show`: summary of a vocabulary file.
struct VocabShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the size, special tokens and most frequent tokens of a vocabulary file.",
        discussion: """
            Checks the file's format (errors name the file and line) and prints a summary: the \
            number of entries, the special tokens with their ids, and the --top most frequent \
            tokens as 'id<TAB>token<TAB>count'.

            Example:
              $ nlp vocab show vocab.en.txt --top 5
            """
    )

    @Option(help: "How many of the most frequent tokens to list.")
    var top = 20

    @Argument(help: ArgumentHelp("A vocabulary file written by 'nlp vocab build'.", valueName: "file"))
    var file: String

    func validate() throws {
        if top < 0 { throw ValidationError("--top must not be negative.") }
    }

    func run() throws {
        let vocabulary = try Vocabulary.load(from: file)
        let ordinary = Array(Vocabulary.specialTokens.count..<vocabulary.count)
        // Counts may hold up to 18 digits each, so the sum can exceed Int.max: saturate and say so.
        var total = 0
        var overflowed = false
        for count in vocabulary.counts where !overflowed {
            let (sum, overflow) = total.addingReportingOverflow(count)
            if overflow { overflowed = true } else { total = sum }
        }
        let totalText = overflowed ? "more than \(Int.max)" : "\(total)"
        var out = "\(file): \(vocabulary.count) entries (\(Vocabulary.specialTokens.count) special, "
            + "\(ordinary.count) tokens), \(totalText) token occurrences\n"
        out += "special: " + Vocabulary.specialTokens.enumerated().map { "\($0.offset) \($0.element)" }
            .joined(separator: ", ") + "\n"
        // Files from 'vocab build' are already in this order; hand-edited ones may not be.
        let ranked = ordinary.sorted { a, b in
            vocabulary.counts[a] != vocabulary.counts[b] ? vocabulary.counts[a] > vocabulary.counts[b] : a < b
        }
        out += "top \(min(top, ranked.count)) (id, token, count):\n"
        for id in ranked.prefix(top) {
            out += "\(id)\t\(vocabulary.tokens[id])\t\(vocabulary.counts[id])\n"
        }
        print(out, terminator: "")
    }
}
