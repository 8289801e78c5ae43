import ArgumentParser

/// `nlp vocab`: groups the vocabulary subcommands.
struct VocabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vocab",
        abstract: "Build and inspect token vocabularies (token <-> id tables).",
        discussion: """
            A vocabulary file is plain UTF-8 text with one entry per line: the token, a TAB and \
            its corpus count. Line N holds the token with id N-1. Lines 1-4 are always the special \
            tokens <pad> (0), <unk> (1), <s> (2) and </s> (3); then come the tokens by count, \
            most frequent first (ties in code point order).

            Example:
              $ nlp vocab build corpora/sample.en --min-count 2 -o vocab.en.txt
              $ nlp vocab show vocab.en.txt --top 10
            """,
        subcommands: [VocabBuildCommand.self, VocabShowCommand.self]
    )
}
