import FileIO
import Foundation
import FuzzSupport
import Tokenize

/// The fuzzed function for `Vocabulary.load`: any bytes either load as a vocabulary that keeps the
/// format's rules (the four special tokens first, every token non-empty, without TAB or newline,
/// and once; an entry a line) and saves and loads again to an equal vocabulary with the same ids,
/// or throw `TokenizeError.malformedVocabulary` naming the file and a line inside it (or the line
/// after the last, for a missing special token), or a `FileError`.
/// (Exported as `LLVMFuzzerTestOneInput`, which the fuzzer runtime links against.)
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVocabulary(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = FuzzInput(bytes, count)
    let lines = FuzzInput.lineCount(of: input.bytes)
    FuzzInput.withFile(input.bytes, name: "vocabulary") { path in
        let vocabulary: Vocabulary
        do {
            vocabulary = try Vocabulary.load(from: path)
        } catch let TokenizeError.malformedVocabulary(errorPath, line, _) {
            precondition(errorPath == path, "an error naming \(errorPath)")
            precondition(line >= 1 && line <= lines + 1, "an error at line \(line) of \(lines)")
            return
        } catch is FileError {
            return
        } catch {
            fatalError("Vocabulary.load threw \(type(of: error)): \(error)")
        }
        precondition(Array(vocabulary.tokens.prefix(4)) == Vocabulary.specialTokens, "special tokens \(vocabulary.tokens.prefix(4))")
        precondition(vocabulary.count == lines, "\(vocabulary.count) tokens from \(lines) lines")
        precondition(Set(vocabulary.tokens).count == vocabulary.count, "a token listed twice")
        for (id, token) in vocabulary.tokens.enumerated() {
            precondition(!token.isEmpty && !token.contains("\t") && !token.contains("\n"), "token \(token.debugDescription)")
            precondition(vocabulary.id(of: token) == id, "token \(token.debugDescription) has id \(vocabulary.id(of: token)), not \(id)")
        }
        precondition(vocabulary.counts.allSatisfy { $0 >= 0 }, "a negative count")
        FuzzInput.withFile([], name: "saved") { savedPath in
            do {
                try vocabulary.save(to: savedPath)
                let again = try Vocabulary.load(from: savedPath)
                precondition(again == vocabulary, "the vocabulary changed in a save and load")
            } catch {
                fatalError("a loaded vocabulary did not save and load again: \(error)")
            }
        }
    }
    return 0
}

/// The executable's entry: libFuzzer on `fuzzVocabulary`.
@_cdecl("FuzzVocabulary_main")
func fuzzVocabularyMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzzVocabulary)
}
