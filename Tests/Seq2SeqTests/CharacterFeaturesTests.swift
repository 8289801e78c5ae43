import NLPTestSupport
import Seq2Seq
import Tensor
import XCTest

/// Character-level word features: gradients, the definition (final states of each word read alone),
/// and parameter names.
final class CharacterFeaturesTests: XCTestCase {
    let (vocabulary, dimension, hidden) = (6, 3, 2)
    /// Lengths 3, 1, 5, 2: padded to 5 characters, one word of a single character.
    let words = [[1, 2, 3], [4], [2, 5, 1, 3, 3], [5, 5]]

    func encoder(_ cell: CellKind, layers: Int = 1, merge: DirectionMerge = .concat) -> EncoderConfiguration {
        EncoderConfiguration(cell: cell, inputSize: dimension, hiddenSize: hidden, layers: layers,
                             bidirectional: true, merge: merge)
    }

    /// L = Σ f ⊙ R with respect to the character table and the encoder, for each cell kind, and for
    /// two layers with summed directions.
    func testGradients() {
        let cases = CellKind.allCases.map { ($0, encoder($0)) } + [(.lstm, encoder(.lstm, layers: 2, merge: .sum))]
        for (cell, configuration) in cases {
            let name = "\(cell.rawValue) \(configuration.layers) layers \(configuration.merge)"
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
            let batch = features.forward(words: words, training: false).features
            for (n, word) in words.enumerated() {
                let vectors = features.embedding.forward(word)
                let y = features.encoder.forward(vectors, lengths: [word.count], training: false).output
                let last = word.count - 1
                for j in 0..<hidden {
                    XCTAssertEqual(batch[n, j], y[last, j], "\(cell.rawValue): word \(n) forward \(j)")
                    XCTAssertEqual(batch[n, hidden + j], y[0, hidden + j], "\(cell.rawValue): word \(n) reverse \(j)")
                }
            }
            // And the same words in another order and company give the same rows.
            let reordered = features.forward(words: [words[2], [1, 1, 1, 1, 1, 1, 1], words[0]], training: false).features
            XCTAssertEqual(reordered.rows(0..<1), batch.rows(2..<3), cell.rawValue)
            XCTAssertEqual(reordered.rows(2..<3), batch.rows(0..<1), cell.rawValue)
        }
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
