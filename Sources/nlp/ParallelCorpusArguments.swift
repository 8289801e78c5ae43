import ArgumentParser
import Pipeline

/// One parallel corpus as `--src FILE --tgt FILE` or `--tsv FILE`, and the TSV columns (which
/// `--corpus` and `--dev-corpus` TSV files use too); shared by `train translate` and `split-corpus`.
struct ParallelCorpusArguments: ParsableArguments {
    @Option(help: ArgumentHelp("Source sentences, one a line.", valueName: "file"))
    var src: String?

    @Option(help: ArgumentHelp("Target sentences, line-aligned with --src.", valueName: "file"))
    var tgt: String?

    @Option(help: ArgumentHelp("The pairs as one TAB-separated file (instead of --src/--tgt).", valueName: "file"))
    var tsv: String?

    @Option(help: "Column of the source in TAB-separated files (from 1).")
    var srcColumn = 1

    @Option(help: "Column of the target in TAB-separated files (from 1).")
    var tgtColumn = 2

    func validate() throws {
        if tsv != nil && (src != nil || tgt != nil) { throw ValidationError("give --src and --tgt, or --tsv, not both") }
        if (src == nil) != (tgt == nil) { throw ValidationError("--src and --tgt go together") }
        if srcColumn < 1 || tgtColumn < 1 || srcColumn == tgtColumn {
            throw ValidationError("--src-column and --tgt-column must be different columns, counting from 1")
        }
    }

    /// The corpus given, or nil.
    var files: TranslationTraining.CorpusFiles? { Self.files(tsv: tsv, src: src, tgt: tgt, columns: (srcColumn, tgtColumn)) }

    /// The corpus of a TSV file, or of a source and a target file (as `--dev-tsv`, `--dev-src`
    /// and `--dev-tgt` give it too), or nil.
    static func files(tsv: String?, src: String?, tgt: String?, columns: (source: Int, target: Int))
        -> TranslationTraining.CorpusFiles? {
        if let tsv { return .tabSeparated(path: tsv, sourceColumn: columns.source, targetColumn: columns.target) }
        if let src, let tgt { return .aligned(source: src, target: tgt) }
        return nil
    }
}
