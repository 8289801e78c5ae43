import NLPTestSupport
import Seq2Seq
import Tensor
import XCTest

/// Character-level word features: gradients, the definition (final states of each word read alone),
/// and parameter names.
final class CharacterFeaturesTests: XCTestCase {
    let (vocabulary, dimension, hidden) = (6, 3, 2)
    /// Lengths 3, 1, 5, 2: one batch padded to 5 characters, one word of a single character.
    let words = [[1, 2, 3], [4], [2, 5, 1, 3, 3], [5, 5]]
    /// Ten short words and one of 40 characters: two batches (`lengthGroups`), the short words not
    /// padded to 40.
    let manyWords = [[1, 2], [4], [3, 3, 5], [2, 5, 1, 4], [5], [1, 1, 2, 4, 5], [4, 2], [3], [2, 2, 2], [5, 1],
                     (0..<40).map { 1 + $0 % 5 }]

    func encoder(_ cell: CellKind, layers: Int = 1, merge: DirectionMerge = .concat) -> EncoderConfiguration {
        EncoderConfiguration(cell: cell, inputSize: dimension, hiddenSize: hidden, layers: layers,
                             bidirectional: true, merge: merge)
    }

    /// L = Σ f ⊙ R with respect to the character table and the encoder, for each cell kind, and for
    /// two layers with summed directions.
    func testGradients() {
        XCTAssertEqual(CharacterFeatures<Double>.lengthGroups(words.map(\.count)).count, 1)
        XCTAssertEqual(CharacterFeatures<Double>.lengthGroups(manyWords.map(\.count)).count, 2)
        let cases = CellKind.allCases.flatMap { [($0, encoder($0), words), ($0, encoder($0), manyWords)] }
            + [(.lstm, encoder(.lstm, layers: 2, merge: .sum), manyWords)]
        for (cell, configuration, words) in cases {
            let name = "\(cell.rawValue) \(configuration.layers) layers \(configuration.merge) \(words.count) words"
            var generator = SeededGenerator(seed: 11)
            let features = CharacterFeatures<Double>(vocabularySize: vocabulary, encoder: configuration, prefix: "chars.",
                                                     generator: &generator)
            let weights = Matrix<Double>.normal(rows: words.count, cols: features.outputSize, standardDeviation: 1,
                                                using: &generator)
            func loss() -> Double { dot(features.forward(words: words, training: false).features, weights) }
            features.zeroGradients()
            let (forwardFeatures, cache) = features.forward(words: words, training: false)
            XCTAssertEqual(forwardFeatures.rows, words.count, name)
            XCTAssertEqual(forwardFeatures.cols, configuration.outputSize, name)
            features.backward(featuresGradient: weights, cache: cache)

            XCTAssertEqual(features.embedding.table.gradient.rows(0..<1).squaredNorm, 0, "\(name): <pad> row gradient")
            for parameter in features.parameters {
                XCTAssertGreaterThan(parameter.gradient.squaredNorm, 0, "\(name): no gradient reaches \(parameter.name)")
            }
            let errors = GradientCheck().worstErrors(of: features.parameters, generator: &generator, loss: loss)
            XCTAssertEqual(errors.count, features.parameters.count, name)
            for (parameter, error) in errors.sorted(by: { $0.key < $1.key }) {
                XCTAssertLessThan(error, 1e-6, "\(name): \(parameter)")
            }
        }
    }

    /// Each word's features are [→h after its last character | ←h after reading back to its first
    /// character], computed here by running the encoder over that word alone: the batch, its padding
    /// and the other words change nothing (exactly, in Double).
    func testFeaturesAreEachWordsFinalStatesReadAlone() {
        for cell in [CellKind.lstm, .gru, .rnnRelu] {
            var generator = SeededGenerator(seed: 12)
            let features = CharacterFeatures<Double>(vocabularySize: vocabulary, encoder: encoder(cell), prefix: "",
                                                     generator: &generator)
            let batch = features.forward(words: manyWords, training: false).features
            for (n, word) in manyWords.enumerated() {
                let vectors = features.embedding.forward(word)
                let y = features.encoder.forward(vectors, lengths: [word.count], training: false).output
                let last = word.count - 1
                for j in 0..<hidden {
                    XCTAssertEqual(batch[n, j], y[last, j], "\(cell.rawValue): word \(n) forward \(j)")
                    XCTAssertEqual(batch[n, hidden + j], y[0, hidden + j], "\(cell.rawValue): word \(n) reverse \(j)")
                }
            }
            // And the same words in another order and company give the same rows.
            let reordered = features.forward(words: [manyWords[2], [1, 1, 1, 1, 1, 1, 1], manyWords[0]], training: false)
                .features
            XCTAssertEqual(reordered.rows(0..<1), batch.rows(2..<3), cell.rawValue)
            XCTAssertEqual(reordered.rows(2..<3), batch.rows(0..<1), cell.rawValue)
        }
    }

    /// The groups partition the words, ascending in length, and their cost Σ (n_g + overhead) · T_g
    /// is the least over all ways to cut the words sorted by length (brute force over the cuts
    /// between distinct lengths).
    func testLengthGroupsMinimiseTheirCost() {
        var generator = SeededGenerator(seed: 14)
        func cost(_ groups: [[Int]], _ lengths: [Int], _ overhead: Int) -> Int {
            groups.reduce(0) { $0 + ($1.count + overhead) * $1.map { lengths[$0] }.max()! }
        }
        for trial in 0..<200 {
            let count = 1 + Int(generator.next() % 12)
            let lengths = (0..<count).map { _ in 1 + Int(generator.next() % (trial % 2 == 0 ? 12 : 40)) }
            let overhead = [0, 1, 8, 32, 200][trial % 5]
            let groups = CharacterFeatures<Float>.lengthGroups(lengths, overhead: overhead)
            let name = "lengths \(lengths) overhead \(overhead): \(groups)"
            XCTAssertEqual(groups.joined().sorted(), Array(0..<count), name)
            let flat = Array(groups.joined())
            for (a, b) in zip(flat, flat.dropFirst()) {
                XCTAssertTrue(lengths[a] < lengths[b] || (lengths[a] == lengths[b] && a < b), name)
            }
            let distinct = Array(Set(lengths)).sorted()
            var least = Int.max
            for cuts in 0..<(1 << (distinct.count - 1)) {   // bit i: a cut after distinct[i]
                var partition: [[Int]] = [[]]
                for (i, length) in distinct.enumerated() {
                    partition[partition.count - 1] += (0..<count).filter { lengths[$0] == length }
                    if i < distinct.count - 1 && cuts & (1 << i) != 0 { partition.append([]) }
                }
                least = min(least, cost(partition, lengths, overhead))
            }
            XCTAssertEqual(cost(groups, lengths, overhead), least, name)
        }
        XCTAssertEqual(CharacterFeatures<Float>.lengthGroups([]), [])
        XCTAssertEqual(CharacterFeatures<Float>.lengthGroups([3, 3, 1], overhead: 0), [[2], [0, 1]])
        XCTAssertEqual(CharacterFeatures<Float>.lengthGroups([3, 3, 1], overhead: 1000), [[2, 0, 1]])
        // A tie, (2 + 1) · 2 = (1 + 1) · 1 + (1 + 1) · 2, goes to fewer groups.
        XCTAssertEqual(CharacterFeatures<Float>.lengthGroups([2, 1], overhead: 1), [[1, 0]])
    }

    func testParameterNames() {
        var generator = SeededGenerator(seed: 13)
        let features = CharacterFeatures<Float>(vocabularySize: 40, encoder: encoder(.gru), prefix: "chars.",
                                                generator: &generator)
        XCTAssertEqual(features.parameters.map(\.name), [
            "chars.embedding.weight",
            "chars.encoder.weight_ih_l0", "chars.encoder.weight_hh_l0", "chars.encoder.bias_ih_l0",
            "chars.encoder.bias_hh_l0",
            "chars.encoder.weight_ih_l0_reverse", "chars.encoder.weight_hh_l0_reverse",
            "chars.encoder.bias_ih_l0_reverse", "chars.encoder.bias_hh_l0_reverse",
        ])
        XCTAssertEqual(features.parameters.map(\.shape)[0...2], [[40, dimension], [3 * hidden, dimension],
                                                                  [3 * hidden, hidden]])
        XCTAssertEqual(features.outputSize, 2 * hidden)
        XCTAssertEqual(features.embedding.table.value.rows(0..<1).squaredNorm, 0, "<pad> row is zero")
    }
}
