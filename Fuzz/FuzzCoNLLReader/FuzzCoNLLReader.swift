import FileIO
import Foundation
import FuzzSupport
import Pipeline

/// The fuzzed function for `CoNLLReader`: any bytes, written to a file, either read as
/// well-formed sentences (rows of the same width holding the token and tag columns, line numbers
/// increasing inside the file) or throw a `DataError` with a line inside the file (or none) or a
/// `FileError` (invalid UTF-8); never another error, a crash or a hang.
/// (Exported as `LLVMFuzzerTestOneInput`, which the fuzzer runtime links against.)
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCoNLLReader(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = FuzzInput(bytes, count)
    let lines = input.bytes.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
    FuzzInput.withFile(input.bytes, name: "conll.txt") { path in checkReads(path: path, lines: lines) }
    return 0
}

/// Reads the file at `path` (of at most `lines` lines) with each tag column, checking what it gives.
private func checkReads(path: String, lines: Int) {
    for tagColumn in [CoNLLReader.TagColumn.last, .index(1), .none] {
        do {
            var previous = 0
            try CoNLLReader(path: path, tagColumn: tagColumn).forEachSentence { sentence in
                precondition(!sentence.rows.isEmpty, "an empty sentence")
                precondition(sentence.rows.count == sentence.lineNumbers.count, "rows and line numbers differ")
                let width = sentence.rows[0].count
                for (row, line) in zip(sentence.rows, sentence.lineNumbers) {
                    precondition(row.count == width, "line \(line): \(row.count) columns, the sentence has \(width)")
                    precondition(row.allSatisfy { !$0.isEmpty }, "line \(line): an empty column")
                    precondition(line > previous && line <= lines, "line \(line) after \(previous), of \(lines)")
                    previous = line
                }
                precondition(sentence.tokenColumn < width && sentence.tagColumn < width, "token or tag column missing")
            }
        } catch let error as DataError {
            precondition(error.path == path, "an error naming \(error.path)")
            if let line = error.line { precondition(line >= 1 && line <= lines, "error at line \(line) of \(lines)") }
        } catch is FileError {
        } catch {
            fatalError("CoNLLReader threw \(type(of: error)): \(error)")
        }
    }
}

/// The executable's entry: libFuzzer on `fuzzCoNLLReader`.
@_cdecl("FuzzCoNLLReader_main")
func fuzzCoNLLReaderMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzzCoNLLReader)
}
