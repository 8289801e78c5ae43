import FileIO
import Foundation
import ArgumentParser
import Pipeline
import Tokenize

/// `nlp split-corpus`: cut leak-free dev and test sets out of a parallel corpus.
struct SplitCorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split-corpus",
        abstract: "Cut dev and test sets out of a parallel corpus, no source sentence in two of them.",
        discussion: """
            Pairs are grouped by their source sentence (NFC, whitespace collapsed, case-folded), so \\
            that the several translations one sentence has (as in the Tatoeba/Anki files) never end \\
            up in two of train, dev and test. --dev and --test count distinct source sentences. \\
            The split depends only on the pairs and --seed, not on their order. Writes \\
            OUT/{train,dev,test}.{SRC,TGT} as line-aligned files (--source-lang, --target-lang name \\
            the endings), each through a temporary file.

            Example (the Anki split the README's figures use):
              $ nlp split-corpus --tsv tatoeba_anki/deu-eng/deu.txt --dev 2000 --test 2000 -o runs/anki
            """)

    @OptionGroup(title: "Corpus") var corpus: ParallelCorpusArguments

    @Option(help: "Distinct source sentences in the dev set.")
    var dev = 2000

    @Option(help: "Distinct source sentences in the test set.")
    var test = 2000

    @Option(help: "Seed of the split.")
    var seed: UInt64 = 1

    @Option(help: "Ending of the source files.")
    var sourceLang = "en"

    @Option(help: "Ending of the target files.")
    var targetLang = "de"

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Folder to write the six files to.", valueName: "folder"))
    var output: String

    func validate() throws {
        if corpus.files == nil { throw ValidationError("give the corpus as --tsv FILE, or --src FILE --tgt FILE") }
        if dev < 0 || test < 0 { throw ValidationError("--dev and --test must be 0 or more") }
        for (name, value) in [("--source-lang", sourceLang), ("--target-lang", targetLang)]
        where value.isEmpty || value.contains("/") {
            throw ValidationError("\(name) must be a file ending without '/'")
        }
        if sourceLang == targetLang { throw ValidationError("--source-lang and --target-lang must differ") }
    }

    func run() throws {
        let files = corpus.files!
        let path = files.paths[0].path
        let pairs = try files.read(ParallelCorpusOptions()).pairs
        let split: CorpusSplit
        do {
            split = try CorpusSplit(pairs, devSentences: dev, testSentences: test, seed: seed)
        } catch {
            throw DataError(path: path, error.message)
        }
        let folder = output.hasSuffix("/") ? output : output + "/"
        do {
            // Like `mkdir -p`: the folder is made once the split is known to succeed.
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        } catch {
            throw DataError(path: output, "cannot make the output folder: \(error.localizedDescription)")
        }
        let names = ["train", "dev", "test"]
        for name in names {
            for language in [sourceLang, targetLang] { try OutputFile.checkWritable(folder + name + "." + language, what: "the \(name) set") }
        }
        let parts = [("train", split.train, split.distinctSources - dev - test), ("dev", split.dev, dev), ("test", split.test, test)]
        for (name, pairs, sentences) in parts {
            for (language, side) in [(sourceLang, \SentencePair.source), (targetLang, \SentencePair.target)] {
                let file = folder + name + "." + language
                var bytes: [UInt8] = []
                for pair in pairs {
                    bytes += pair[keyPath: side].utf8
                    bytes.append(0x0A)
                }
                try AtomicFile.write(bytes, to: file)
            }
            print("\(folder)\(name).{\(sourceLang),\(targetLang)}: \(pairs.count) pairs, "
                  + "\(sentences) distinct source sentences")
        }
    }
}
