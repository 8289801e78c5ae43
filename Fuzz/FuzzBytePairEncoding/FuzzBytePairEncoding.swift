import Foundation
import FuzzSupport
import Tokenize

/// The fuzzed function for byte-pair encoding, both ways an encoding comes to exist:
/// - learned from the input's words (the first byte sets the number of merges and the minimum
///   frequency): at most that many merges, none with an empty side or listed twice; every word
///   segments into non-empty pieces that concatenate to it, `join` of the marked words' pieces gives
///   the text back with single spaces (and `▁` as a space), and the encoding codes to JSON and back unchanged;
/// - decoded from the input as a model file's JSON (`{"merges": [["a", "b"], ...]}`): it throws a
///   `DecodingError`, or it segments every word of the input into non-empty pieces that
///   concatenate to the word.
/// (Exported as `LLVMFuzzerTestOneInput`, which the fuzzer runtime links against.)
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBytePairEncoding(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = FuzzInput(bytes, count)
    let (choice, rest) = input.choiceAndRest
    let text = String(decoding: rest, as: UTF8.self)
    let words = text.split { $0.isWhitespace }.map { String(BytePairEncoding.wordBoundary) + $0 }
    let merges = choice % 64, minimumFrequency = 1 + choice / 64 % 2
    let learned = BytePairEncoding.learn(wordCounts: Dictionary(words.map { ($0, 1) }, uniquingKeysWith: +),
                                         merges: merges, minimumFrequency: minimumFrequency)
    precondition(learned.count <= merges, "\(learned.count) merges learned, \(merges) asked for")
    precondition(Set(learned.merges).count == learned.count, "a merge learned twice")
    precondition(learned.merges.allSatisfy { !$0.left.isEmpty && !$0.right.isEmpty }, "a merge with an empty side")
    checkSegments(learned, words: words)
    let pieces = words.flatMap(learned.segment)
    // A `▁` in the text comes back as a space: it is the word-boundary mark (see `SubwordStage`).
    let spaced = String(String.UnicodeScalarView(text.split { $0.isWhitespace }.joined(separator: " ").unicodeScalars.map {
        $0 == "\u{2581}" ? " " : $0
    }))
    precondition(BytePairEncoding.join(pieces) == spaced, "join gave \(BytePairEncoding.join(pieces).debugDescription), not \(spaced.debugDescription)")
    do {
        let coded = try JSONEncoder().encode(learned)
        let decoded = try JSONDecoder().decode(BytePairEncoding.self, from: coded)
        precondition(decoded == learned, "merges changed in JSON")
    } catch {
        fatalError("a learned encoding did not code to JSON and back: \(error)")
    }

    do {
        let decoded = try JSONDecoder().decode(BytePairEncoding.self, from: Data(input.bytes))
        checkSegments(decoded, words: words + decoded.merges.prefix(16).flatMap { [$0.left, $0.result, $0.right + $0.left] })
    } catch is DecodingError {
    } catch {
        fatalError("decoding merges threw \(type(of: error)): \(error)")
    }
    return 0
}

/// Every word segments into non-empty pieces that concatenate to it, the same twice (the cache).
private func checkSegments(_ encoding: BytePairEncoding, words: [String]) {
    for word in words {
        let pieces = encoding.segment(word)
        precondition(pieces.allSatisfy { !$0.isEmpty }, "an empty piece of \(word.debugDescription)")
        precondition(pieces.joined() == word, "\(pieces) do not make \(word.debugDescription)")
        precondition(encoding.segment(word) == pieces, "\(word.debugDescription) segmented differently the second time")
    }
}

/// The executable's entry: libFuzzer on `fuzzBytePairEncoding`.
@_cdecl("FuzzBytePairEncoding_main")
func fuzzBytePairEncodingMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzzBytePairEncoding)
}
