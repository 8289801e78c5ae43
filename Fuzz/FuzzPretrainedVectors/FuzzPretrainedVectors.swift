import Embedding
import FileIO
import Foundation
import FuzzSupport
import Tensor

/// The fuzzed function for `PretrainedVectors` (word2vec/GloVe text): any bytes, as a vectors file
/// asked for a few fixed words and the first word of each of its lines, either load as a table of
/// one row per word asked for, at least one column, finite values, the `zeroRows` rows zero and at
/// least one word found; or throw a `PretrainedVectors.LoadError` naming the file (and a line
/// inside it, if any) or a `FileError`. `leadingWords` gives at most the words asked for, or throws
/// the same way.
/// (Exported as `LLVMFuzzerTestOneInput`, which the fuzzer runtime links against.)
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPretrainedVectors(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = FuzzInput(bytes, count)
    let lines = FuzzInput.lineCount(of: input.bytes)
    let firstWords = input.bytes.split(separator: 0x0A).prefix(8).map { line in
        String(decoding: line.prefix { $0 != 0x20 }, as: UTF8.self)
    }
    let words = ["<pad>", "the", "The", "É"] + firstWords
    FuzzInput.withFile(input.bytes, name: "vectors.txt") { path in
        func checkProblem(_ error: PretrainedVectors.LoadError) {
            precondition(error.description.hasPrefix(path + ":"), "an error not naming the file: \(error)")
            let afterPath = error.description.dropFirst(path.count + 1)
            if let number = Int(afterPath.prefix { $0.isNumber }) {
                precondition(number >= 1 && number <= lines, "an error at line \(number) of \(lines)")
            }
        }
        do {
            var generator = SeededGenerator(seed: 1)
            let vectors = try PretrainedVectors(contentsOf: path, words: words, zeroRows: [0], generator: &generator)
            let table = vectors.table
            precondition(table.rows == words.count && table.cols >= 1, "a table of \(table.rows) × \(table.cols)")
            precondition(vectors.found >= 1 && vectors.found <= words.count, "\(vectors.found) words found")
            for row in 0..<table.rows {
                for column in 0..<table.cols {
                    precondition(table[row, column].isFinite, "row \(row) holds \(table[row, column])")
                    if row == 0 { precondition(table[row, column] == 0, "the zero row holds \(table[row, column])") }
                }
            }
        } catch let error as PretrainedVectors.LoadError {
            checkProblem(error)
        } catch is FileError {
        } catch {
            fatalError("PretrainedVectors threw \(type(of: error)): \(error)")
        }
        do {
            let leading = try PretrainedVectors.leadingWords(inFile: path, count: 5)
            precondition(leading.count <= 5, "\(leading.count) leading words")
        } catch let error as PretrainedVectors.LoadError {
            checkProblem(error)
        } catch is FileError {
        } catch {
            fatalError("leadingWords threw \(type(of: error)): \(error)")
        }
    }
    return 0
}

/// The executable's entry: libFuzzer on `fuzzPretrainedVectors`.
@_cdecl("FuzzPretrainedVectors_main")
func fuzzPretrainedVectorsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzzPretrainedVectors)
}
