import FileIO
import Foundation
import FuzzSupport
import Pipeline

/// The fuzzed function for `ParallelCorpus`: the first byte picks two aligned files (the rest cut
/// at the first 0xFF) or one TSV file with source and target columns 1-2, 2-1 or 1-3, and a word
/// limit or none. Under `.skip` the reader returns pairs whose sides are non-empty, trimmed and
/// within the limit, with increasing lines, and one `DataError` per pair left out, each naming a
/// line of one of the files, or it throws a `DataError` or `FileError`; under `.fail` it returns the
/// same pairs when none was skipped and throws the first problem otherwise.
/// (Exported as `LLVMFuzzerTestOneInput`, which the fuzzer runtime links against.)
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParallelCorpus(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let (choice, rest) = FuzzInput(bytes, count).choiceAndRest
    let maximumWords: Int? = choice & 4 == 0 ? nil : 1 + (choice >> 3) % 4
    let read: (ParallelCorpusOptions) throws -> ParallelCorpus
    let files: [String: [UInt8]]
    if choice & 3 == 0 {
        let (source, target) = FuzzInput.halves(of: rest)
        files = ["source": source, "target": target]
        read = { options in
            try FuzzInput.withFile(source, name: "source") { sourcePath in
                try FuzzInput.withFile(target, name: "target") { targetPath in
                    try ParallelCorpus(source: sourcePath, target: targetPath, options: options)
                }
            }
        }
    } else {
        let (sourceColumn, targetColumn) = [(1, 2), (2, 1), (1, 3)][(choice & 3) - 1]
        files = ["tsv": rest]
        read = { options in
            try FuzzInput.withFile(rest, name: "tsv") { try ParallelCorpus(tsv: $0, sourceColumn: sourceColumn, targetColumn: targetColumn, options: options) }
        }
    }
    let lines = files.values.map(linesAfterByteOrderMark).max()!

    /// The problem's file is one of the inputs and its line, if any, one of their lines.
    func checkProblem(_ error: DataError) {
        precondition(files.keys.contains { error.path.hasSuffix("-\($0)") }, "an error naming \(error.path)")
        if let line = error.line { precondition(line >= 1 && line <= lines, "an error at line \(line) of \(lines)") }
    }

    var skipping: ParallelCorpus?
    do {
        let corpus = try read(ParallelCorpusOptions(maximumWords: maximumWords, policy: .skip))
        precondition(!corpus.pairs.isEmpty, "a corpus without pairs")
        precondition(corpus.pairs.count + corpus.skipped.count == lines, "\(corpus.pairs.count) pairs and \(corpus.skipped.count) skipped of \(lines) lines")
        var previous = 0
        for pair in corpus.pairs {
            precondition(pair.line > previous && pair.line <= lines, "pair at line \(pair.line) after \(previous)")
            previous = pair.line
            for side in [pair.source, pair.target] {
                let words = side.unicodeScalars.split { $0.properties.isWhitespace }
                precondition(!words.isEmpty, "line \(pair.line): an empty side")
                precondition(side.unicodeScalars.first?.properties.isWhitespace == false
                                && side.unicodeScalars.last?.properties.isWhitespace == false, "line \(pair.line): an untrimmed side")
                if let maximumWords { precondition(words.count <= maximumWords, "line \(pair.line): \(words.count) words") }
            }
        }
        corpus.skipped.forEach(checkProblem)
        skipping = corpus
    } catch let error as DataError {
        checkProblem(error)
    } catch is FileError {
    } catch {
        fatalError("ParallelCorpus threw \(type(of: error)): \(error)")
    }

    do {
        let corpus = try read(ParallelCorpusOptions(maximumWords: maximumWords, policy: .fail))
        precondition(skipping?.skipped.isEmpty == true, "a corpus with problems read under .fail")
        precondition(corpus.pairs == skipping!.pairs, "other pairs under .fail than under .skip")
    } catch let error as DataError {
        checkProblem(error)
        if let skipping, let first = skipping.skipped.first {
            precondition(error == first, "under .fail \(error), under .skip first \(first)")
        }
        precondition(skipping?.skipped.isEmpty != true, "an error under .fail for a corpus read whole under .skip: \(error)")
    } catch is FileError {
        precondition(skipping == nil, "a file error under .fail only")
    } catch {
        fatalError("ParallelCorpus threw \(type(of: error)): \(error)")
    }
    return 0
}

/// The lines `ParallelCorpus` reads in `bytes`: a UTF-8 byte order mark at the start is dropped.
private func linesAfterByteOrderMark(_ bytes: [UInt8]) -> Int {
    FuzzInput.lineCount(of: bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes)
}

/// The executable's entry: libFuzzer on `fuzzParallelCorpus`.
@_cdecl("FuzzParallelCorpus_main")
func fuzzParallelCorpusMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzzParallelCorpus)
}
