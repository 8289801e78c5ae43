import ArgumentParser
import Pipeline

/// A corpus named on the command line (`--corpus`, `--dev-corpus`): `FILE.tsv` (TAB-separated
/// pairs, columns from --src-column and --tgt-column) or `SOURCE,TARGET` (two line-aligned
/// files), optionally followed by `@WEIGHT`, how much of it an epoch draws (default 1):
/// `multi30k/train.en,multi30k/train.de@2`, `anki/train.tsv@0.5`.
struct CorpusArgument: ExpressibleByArgument, Equatable {
    var paths: [String]
    var weight: Double

    init?(argument: String) {
        var text = Substring(argument), weight = 1.0
        if let at = text.lastIndex(of: "@") {
            guard let value = Double(text[text.index(after: at)...]), value >= 0, value.isFinite else { return nil }
            weight = value
            text = text[..<at]
        }
        let paths = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard paths.count <= 2, !paths.contains(where: \.isEmpty) else { return nil }
        self.paths = paths
        self.weight = weight
    }

    static var defaultCompletionKind: CompletionKind { .file() }

    func files(sourceColumn: Int, targetColumn: Int) -> TranslationTraining.CorpusFiles {
        paths.count == 2 ? .aligned(source: paths[0], target: paths[1])
            : .tabSeparated(path: paths[0], sourceColumn: sourceColumn, targetColumn: targetColumn)
    }
}
