import Foundation
import NLPTestSupport
import Seq2Seq
import Tensor
import XCTest

/// The run-time-configured encoder: PyTorch's names, the same results as the concrete stack it
/// wraps, gradients through its initial states, and its configuration's sizes and coding.
final class RecurrentEncoderTests: XCTestCase {
    /// `nn.LSTM(5, 4, num_layers=2, bidirectional=True)` as the attribute `encoder` of a module:
    /// `[(k, tuple(v.shape)) for k, v in module.state_dict().items()]`.
    func testParameterNamesAndShapesMatchPyTorch() {
        var generator = SeededGenerator(seed: 1)
        let encoder = RecurrentEncoder<Float>(
            configuration: EncoderConfiguration(cell: .lstm, inputSize: 5, hiddenSize: 4, layers: 2, bidirectional: true),
            prefix: "encoder.", generator: &generator)
        let expected: [(String, [Int])] = [
            ("encoder.weight_ih_l0", [16, 5]), ("encoder.weight_hh_l0", [16, 4]),
            ("encoder.bias_ih_l0", [16]), ("encoder.bias_hh_l0", [16]),
            ("encoder.weight_ih_l0_reverse", [16, 5]), ("encoder.weight_hh_l0_reverse", [16, 4]),
            ("encoder.bias_ih_l0_reverse", [16]), ("encoder.bias_hh_l0_reverse", [16]),
            ("encoder.weight_ih_l1", [16, 8]), ("encoder.weight_hh_l1", [16, 4]),
            ("encoder.bias_ih_l1", [16]), ("encoder.bias_hh_l1", [16]),
            ("encoder.weight_ih_l1_reverse", [16, 8]), ("encoder.weight_hh_l1_reverse", [16, 4]),
            ("encoder.bias_ih_l1_reverse", [16]), ("encoder.bias_hh_l1_reverse", [16]),
        ]
        XCTAssertEqual(encoder.parameters.map(\.name), expected.map(\.0))
        XCTAssertEqual(encoder.parameters.map(\.shape), expected.map(\.1))
        // PyTorch's initialisation, U(−1/√H, 1/√H), biases included (no forget-gate bias of 1).
        for parameter in encoder.parameters {
            XCTAssertLessThanOrEqual(parameter.value.storage.map(abs).max()!, 0.5, parameter.name)
        }

        let gru = RecurrentEncoder<Float>(configuration: EncoderConfiguration(cell: .gru, inputSize: 2, hiddenSize: 3),
                                          prefix: "rnn.", generator: &generator)
        XCTAssertEqual(gru.parameters.map(\.name), ["rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0"])
        XCTAssertEqual(gru.parameters.map(\.shape), [[9, 2], [9, 3], [9], [9]])
    }

    /// Each cell kind builds the matching concrete stack: same seed, same weights, same results.
    func testEqualsTheConcreteStackForEveryCellKind() {
        XCTAssertEqual(CellKind.allCases.map(\.rawValue), ["rnn_tanh", "rnn_relu", "lstm", "gru"])
        compare(.rnnTanh, VanillaCell(activation: .tanh))
        compare(.rnnRelu, VanillaCell(activation: .relu))
        compare(.lstm, LSTMCell())
        compare(.gru, GRUCell())
    }

    func compare<Cell: RecurrentCell>(_ kind: CellKind, _ cell: Cell) {
        XCTAssertEqual(kind.rawValue, cell.kind)
        let lengths = [3, 1, 4]
        for (bidirectional, merge) in [(false, DirectionMerge.concat), (true, .concat), (true, .sum)] {
            let configuration = EncoderConfiguration(cell: kind, inputSize: 3, hiddenSize: 4, layers: 2,
                                                     bidirectional: bidirectional, merge: merge)
            let name = "\(kind.rawValue) bidirectional \(bidirectional) \(merge)"
            var generator = SeededGenerator(seed: 9)
            let encoder = RecurrentEncoder<Double>(configuration: configuration, prefix: "", generator: &generator)
            var twin = SeededGenerator(seed: 9)
            let reference: (Matrix<Double>, [Int]) -> (Matrix<Double>, [Matrix<Double>])
            if bidirectional {
                let stack = RecurrentStack(count: 2, inputSize: 3, generator: &twin) {
                    Bidirectional<Cell, Double>(cell: cell, inputSize: $0, hiddenSize: 4, merge: merge,
                                                layerIndex: $1, generator: &$2)
                }
                XCTAssertEqual(encoder.parameters.map(\.value), stack.parameters.map(\.value), name)
                reference = { let r = stack.forward($0, lengths: $1); return (r.output, r.finalStates) }
            } else {
                let stack = RecurrentStack(count: 2, inputSize: 3, generator: &twin) {
                    Recurrent<Cell, Double>(cell: cell, inputSize: $0, hiddenSize: 4, suffix: "_l\($1)", generator: &$2)
                }
                XCTAssertEqual(encoder.parameters.map(\.value), stack.parameters.map(\.value), name)
                reference = { let r = stack.forward($0, lengths: $1); return (r.output, r.finalStates) }
            }
            let input = Matrix<Double>.normal(rows: 4 * 3, cols: 3, standardDeviation: 1, using: &generator)
            let (output, finals, _) = encoder.forward(input, lengths: lengths, training: false)
            let (expectedOutput, expectedFinals) = reference(input, lengths)
            XCTAssertEqual(output, expectedOutput, name)
            XCTAssertEqual(finals, expectedFinals, name)
            XCTAssertEqual(output.cols, configuration.outputSize, name)
            XCTAssertEqual(finals.count, configuration.stateCount, name)
            XCTAssertTrue(finals.allSatisfy { $0.rows == 3 && $0.cols == configuration.stateWidth }, name)
            XCTAssertEqual(encoder.outputSize, configuration.outputSize, name)
        }
    }

    /// L = Σ y ⊙ R + Σ_i final_i ⊙ Q_i with respect to the parameters, the input and the initial states.
    func testGradientsThroughInputAndInitialStates() {
        let lengths = [4, 1, 3]
        for (kind, bidirectional, merge) in [(CellKind.lstm, true, DirectionMerge.concat), (.gru, true, .sum),
                                             (.rnnRelu, false, .concat)] {
            let name = "\(kind.rawValue) bidirectional \(bidirectional) \(merge)"
            var generator = SeededGenerator(seed: 21)
            let configuration = EncoderConfiguration(cell: kind, inputSize: 3, hiddenSize: 3, layers: 2,
                                                     bidirectional: bidirectional, merge: merge)
            let encoder = RecurrentEncoder<Double>(configuration: configuration, prefix: "e.", generator: &generator)
            let (B, T) = (lengths.count, lengths.max()!)
            let input = Parameter(name: "input", value: Matrix<Double>.normal(
                rows: T * B, cols: 3, standardDeviation: 1, using: &generator))
            let initial = (0..<configuration.stateCount).map { i in
                Parameter(name: "initial\(i)", value: Matrix<Double>.normal(
                    rows: B, cols: configuration.stateWidth, standardDeviation: 0.5, using: &generator))
            }
            let outputWeights = Matrix<Double>.normal(rows: T * B, cols: configuration.outputSize,
                                                      standardDeviation: 1, using: &generator)
            let stateWeights = initial.map { _ in
                Matrix<Double>.normal(rows: B, cols: configuration.stateWidth, standardDeviation: 1, using: &generator)
            }
            func loss() -> Double {
                let (output, finals, _) = encoder.forward(input.value, lengths: lengths,
                                                          initialStates: initial.map(\.value), training: false)
                return dot(output, outputWeights) + zip(finals, stateWeights).reduce(0) { $0 + dot($1.0, $1.1) }
            }
            encoder.zeroGradients()
            let (_, _, cache) = encoder.forward(input.value, lengths: lengths, initialStates: initial.map(\.value),
                                                training: false)
            let (inputGradient, initialGradients) = encoder.backward(
                outputGradient: outputWeights, finalStateGradients: stateWeights, cache: cache)
            XCTAssertEqual(initialGradients.count, configuration.stateCount, name)
            input.gradient = inputGradient
            for (parameter, gradient) in zip(initial, initialGradients) { parameter.gradient = gradient }
            let checked = encoder.parameters + [input] + initial
            let errors = GradientCheck().worstErrors(of: checked, generator: &generator, loss: loss)
            XCTAssertEqual(errors.count, checked.count, name)
            for (parameter, error) in errors.sorted(by: { $0.key < $1.key }) {
                XCTAssertLessThan(error, 1e-6, "\(name): \(parameter)")
            }
        }
    }

    func testDropoutGeneratorReplaysTheMasks() {
        var generator = SeededGenerator(seed: 31)
        let encoder = RecurrentEncoder<Float>(
            configuration: EncoderConfiguration(cell: .gru, inputSize: 3, hiddenSize: 4, layers: 3, dropout: 0.5),
            prefix: "", generator: &generator)
        let input = Matrix<Float>.normal(rows: 2 * 5, cols: 3, standardDeviation: 1, using: &generator)
        let lengths = [5, 3]
        let saved = encoder.dropoutGenerator
        let first = encoder.forward(input, lengths: lengths, training: true).output
        XCTAssertNotEqual(encoder.forward(input, lengths: lengths, training: true).output, first)
        encoder.dropoutGenerator = saved
        XCTAssertEqual(encoder.forward(input, lengths: lengths, training: true).output, first)
        let before = encoder.dropoutGenerator.savedState
        let inference = encoder.forward(input, lengths: lengths, training: false).output
        XCTAssertNotEqual(inference, first)
        XCTAssertEqual(encoder.dropoutGenerator.savedState, before, "inference draws no masks")
    }

    // MARK: configuration

    func testConfigurationSizes() {
        let lstm = EncoderConfiguration(cell: .lstm, inputSize: 7, hiddenSize: 5, layers: 3, bidirectional: true)
        XCTAssertEqual([lstm.outputSize, lstm.stateCount, lstm.stateWidth], [10, 6, 10])
        let summed = EncoderConfiguration(cell: .gru, inputSize: 7, hiddenSize: 5, layers: 2, bidirectional: true,
                                          merge: .sum)
        XCTAssertEqual([summed.outputSize, summed.stateCount, summed.stateWidth], [5, 4, 5])
        let single = EncoderConfiguration(cell: .rnnTanh, inputSize: 7, hiddenSize: 5)
        XCTAssertEqual([single.outputSize, single.stateCount, single.stateWidth], [5, 1, 5])
        XCTAssertEqual(single.layers, 1)
        XCTAssertFalse(single.bidirectional)
        XCTAssertEqual(single.merge, .concat)
        XCTAssertEqual(single.dropout, 0)
    }

    func testConfigurationCoding() throws {
        let configuration = EncoderConfiguration(cell: .rnnRelu, inputSize: 8, hiddenSize: 6, layers: 2,
                                                 bidirectional: true, merge: .sum, dropout: 0.25)
        let data = try JSONEncoder().encode(configuration)
        XCTAssertEqual(try JSONDecoder().decode(EncoderConfiguration.self, from: data), configuration)
        let json = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(json.contains(#""cell":"rnn_relu""#), json)
        XCTAssertTrue(json.contains(#""merge":"sum""#), json)

        // Optional keys take the initialiser's defaults.
        let short = #"{"cell": "lstm", "inputSize": 4, "hiddenSize": 3}"#
        XCTAssertEqual(try JSONDecoder().decode(EncoderConfiguration.self, from: Data(short.utf8)),
                       EncoderConfiguration(cell: .lstm, inputSize: 4, hiddenSize: 3))

        // Values no encoder can have are decoding errors, not crashes later.
        for bad in [#"{"cell": "lstm", "inputSize": 4, "hiddenSize": 3, "layers": 0}"#,
                    #"{"cell": "lstm", "inputSize": 4, "hiddenSize": 3, "dropout": 1}"#,
                    #"{"cell": "lstm", "inputSize": 4, "hiddenSize": 0}"#,
                    #"{"cell": "cnn", "inputSize": 4, "hiddenSize": 3}"#] {
            XCTAssertThrowsError(try JSONDecoder().decode(EncoderConfiguration.self, from: Data(bad.utf8)), bad)
        }
    }
}
