import FileIO
import Foundation
import Tensor

/// Word vectors from a word2vec or GloVe text file (UTF-8, gzip-compressed when the name ends in
/// `.gz`, read through `LineReader`): one word a line followed by its D numbers (finite, D ≥ 1, the
/// same on every line), separated by spaces; an optional first line `count D` (word2vec) is
/// recognised and skipped; a trailing "\r" is dropped.
///
/// Only the vectors of the words asked for are kept, so loading 400,000 GloVe vectors for a
/// 20,000-word vocabulary holds 20,000 vectors in memory. Words not in the file are initialised
/// N(0, σ²) with σ the standard deviation of the vectors found, so they sit at the same scale.
public struct PretrainedVectors {
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The table (V, D), row i for `words[i]`.
    public let table: Matrix<Float>
    /// Rows whose word was found in the file (directly or lowercased).
    public let found: Int

    /// Reads `path` for `words`; `lowercaseFallback` looks an unfound word up again lowercased (GloVe
    /// 6B is uncased). `skip` lists row indices (special tokens) to leave at zero.
    public init(
        contentsOf path: String, words: [String], lowercaseFallback: Bool = true,
        zeroRows skip: Set<Int> = [], generator: inout SeededGenerator
    ) throws {
        var wanted: [Substring: [Int]] = [:]
        for (row, word) in words.enumerated() where !skip.contains(row) {
            wanted[Substring(word), default: []].append(row)
            if lowercaseFallback, word.lowercased() != word {
                wanted[Substring(word.lowercased()), default: []].append(-row - 1)   // fallback marker
            }
        }
        var vectors: [Int: [Float]] = [:]        // row → vector
        var fallbacks: [Int: [Float]] = [:]
        var dimension: Int?
        try Self.forEachLine(ofFile: path) { line, number in
            let text = Substring(decoding: line, as: UTF8.self)
            guard let space = text.firstIndex(of: " ") else {
                throw LoadError(description: "\(path):\(number): expected a word and its numbers")
            }
            let word = text[..<space]
            if number == 1, dimension == nil, let _ = Int(word),
               text[text.index(after: space)...].split(separator: " ").count == 1 {
                return   // word2vec header `count D`
            }
            guard let rows = wanted[word] else { return }
            let numbers = text[text.index(after: space)...].split(separator: " ")
            guard !numbers.isEmpty else {
                throw LoadError(description: "\(path):\(number): expected a word and its numbers, found no numbers")
            }
            let vector = try numbers.map { field -> Float in
                guard let value = Float(field), value.isFinite else {
                    throw LoadError(description: "\(path):\(number): '\(field)' is not a finite number")
                }
                return value
            }
            if dimension == nil { dimension = vector.count }
            guard vector.count == dimension else {
                throw LoadError(description:
                    "\(path):\(number): \(vector.count) numbers where earlier lines have \(dimension!)")
            }
            for row in rows {
                if row >= 0 { vectors[row] = vector } else { fallbacks[-row - 1] = vector }
            }
        }
        guard let D = dimension else {
            throw LoadError(description: "\(path): none of the \(words.count) words has a vector in this file")
        }
        for (row, vector) in fallbacks where vectors[row] == nil { vectors[row] = vector }

        var sum = 0.0, squares = 0.0
        for vector in vectors.values { for x in vector { sum += Double(x); squares += Double(x) * Double(x) } }
        let n = Double(vectors.count * D)
        // Rounding can leave the variance of equal values slightly below zero.
        let deviation = max(squares / n - (sum / n) * (sum / n), 0).squareRoot()
        var table = Matrix<Float>(rows: words.count, cols: D)
        // Draws are clamped: vectors near Float's limits have a deviation whose draws would overflow.
        let limit = Double(Float.greatestFiniteMagnitude)
        for row in 0..<words.count where !skip.contains(row) {
            if let vector = vectors[row] {
                for j in 0..<D { table[row, j] = vector[j] }
            } else {
                for j in 0..<D { table[row, j] = Float(min(max(generator.nextNormal() * deviation, -limit), limit)) }
            }
        }
        self.table = table
        self.found = vectors.count
    }

    /// The words of the first `count` vectors of a word2vec/GloVe text file (both list the most
    /// frequent words first), e.g. to let a vocabulary cover words the training data never shows.
    public static func leadingWords(inFile path: String, count: Int) throws -> [String] {
        var words: [String] = []
        guard count > 0 else { return words }
        try Self.forEachLine(ofFile: path) { line, number in
            guard let space = line.firstIndex(of: UInt8(ascii: " ")) else {
                throw LoadError(description: "\(path):\(number): expected a word and its numbers")
            }
            let word = String(decoding: line[..<space], as: UTF8.self)
            let rest = line[(space + 1)...]
            if number == 1, Int(word) != nil, !rest.contains(UInt8(ascii: " ")) { return }   // word2vec header
            words.append(word)
            if words.count == count { throw Stop() }
        }
        return words
    }

    /// Thrown by a `forEachLine` body to stop reading early (not an error: `forEachLine` returns).
    struct Stop: Error {}

    /// The lines of `path` (without a trailing "\r") and their 1-based numbers.
    static func forEachLine(ofFile path: String, _ body: (_ line: UnsafeBufferPointer<UInt8>, _ number: Int) throws -> Void) throws {
        do {
            try LineReader(path: path).forEachLine { line, number in
                try body(line.last == UInt8(ascii: "\r") ? UnsafeBufferPointer(rebasing: line.dropLast()) : line, number)
            }
        } catch is Stop {}
    }
}
