import NLPTestSupport
import Seq2Seq
import Tensor
import XCTest

final class LanguageModelNetworkTests: XCTestCase {
    let lengths = [6, 3, 5]   // B = 3, T = 6
    let vocabulary = 9

    func network(_ cell: CellKind, tied: Bool, dropout: Double = 0, generator: inout SeededGenerator) -> LanguageModelNetwork<Double> {
        let encoder = EncoderConfiguration(cell: cell, inputSize: 4, hiddenSize: tied ? 4 : 5, layers: 2,
                                           bidirectional: false, merge: .concat, dropout: dropout)
        return LanguageModelNetwork(configuration: LanguageModelNetworkConfiguration(
            vocabularySize: vocabulary, embeddingDimension: 4, encoder: encoder, dropout: dropout, tied: tied), generator: &generator)
    }

    /// Time-major ids and next-token targets (−1 on padded steps).
    func batch(generator: inout SeededGenerator) -> (ids: [Int], targets: [Int]) {
        let T = lengths.max()!, B = lengths.count
        var ids = [Int](repeating: 0, count: T * B), targets = [Int](repeating: -1, count: T * B)
        for t in 0..<T { for b in 0..<B where t < lengths[b] {
            ids[t * B + b] = 4 + Int(generator.next() % UInt64(vocabulary - 4))
            targets[t * B + b] = 3 + Int(generator.next() % UInt64(vocabulary - 3))
        } }
        return (ids, targets)
    }

    /// With a window covering the sequences, truncated BPTT is full BPTT: its gradient of the mean
    /// cross-entropy matches central differences for every parameter, tied (E receives the gradient
    /// of both its uses) or not, through replayed dropout masks.
    func testGradientsTiedAndUntiedThroughDropout() {
        for (cell, tied, dropout) in [(CellKind.lstm, true, 0.0), (.lstm, false, 0.3), (.gru, true, 0.3), (.rnnTanh, false, 0.0)] {
            var generator = SeededGenerator(seed: 7)
            let model = network(cell, tied: tied, dropout: dropout, generator: &generator)
            let (ids, targets) = batch(generator: &generator)
            let states = model.generatorStates
            let crossEntropy = SoftmaxCrossEntropy(ignoredTarget: -1)
            model.zeroGradients()
            let (lossSum, count) = model.accumulateGradients(ids: ids, targets: targets, lengths: lengths, windowLength: 6)
            XCTAssertEqual(count, lengths.reduce(0, +))
            func loss() -> Double {
                model.generatorStates = states
                return crossEntropy(logits: model.forward(ids: ids, lengths: lengths, training: true).logits, targets: targets).loss
            }
            XCTAssertEqual(lossSum / Double(count), loss(), accuracy: 1e-12)
            let name = "\(cell.rawValue) tied \(tied) dropout \(dropout)"
            XCTAssertEqual(model.parameters.map(\.name).contains("output.weight"), !tied, name)
            for parameter in model.parameters {
                XCTAssertGreaterThan(parameter.gradient.squaredNorm, 0, "\(name): no gradient reaches \(parameter.name)")
            }
            let errors = GradientCheck().worstErrors(of: model.parameters, generator: &generator, loss: loss)
            XCTAssertEqual(errors.count, model.parameters.count)
            for (parameter, error) in errors { XCTAssertLessThan(error, 1e-6, "\(name): \(parameter)") }
        }
    }

    /// Windows carry the state, so the loss is the full sequence's whatever the window; the gradient
    /// is cut at each window's start, so short windows give another gradient.
    func testShortWindowsCarryTheStateAndCutTheGradient() {
        var generator = SeededGenerator(seed: 8)
        let model = network(.lstm, tied: false, generator: &generator)
        let (ids, targets) = batch(generator: &generator)
        model.zeroGradients()
        let full = model.accumulateGradients(ids: ids, targets: targets, lengths: lengths, windowLength: 6)
        let fullGradient = model.encoder.parameters[1].gradient
        model.zeroGradients()
        let windowed = model.accumulateGradients(ids: ids, targets: targets, lengths: lengths, windowLength: 2)
        XCTAssertEqual(windowed.lossSum, full.lossSum, accuracy: 1e-12)
        XCTAssertEqual(windowed.count, full.count)
        for window in [1, 2, 6] {
            XCTAssertEqual(model.crossEntropySum(ids: ids, targets: targets, lengths: lengths, windowLength: window),
                           full.lossSum, accuracy: 1e-12, "scoring in windows of \(window) is training's forward pass")
        }
        var difference = model.encoder.parameters[1].gradient
        difference.add(fullGradient, scaledBy: -1)
        XCTAssertGreaterThan(difference.squaredNorm, 1e-12, "W_hh's gradient is truncated")
        model.zeroGradients()
        _ = model.accumulateGradients(ids: ids, targets: targets, lengths: lengths, windowLength: 9)
        XCTAssertEqual(model.encoder.parameters[1].gradient, fullGradient, "a window longer than the sequence is full BPTT")
    }

    /// Scaling the initial W_hh scales every layer's recurrent weights and nothing else.
    func testScalingTheRecurrentWeightsTouchesOnlyW_hh() {
        var generator = SeededGenerator(seed: 2)
        let model = network(.rnnTanh, tied: true, generator: &generator)
        let before = model.parameters.map(\.value)
        model.encoder.scaleRecurrentWeights(by: 3)
        var scaled: [String] = []
        for (parameter, old) in zip(model.parameters, before) {
            if parameter.name.contains("weight_hh") {
                scaled.append(parameter.name)
                XCTAssertEqual(parameter.value.storage, old.storage.map { $0 * 3 }, parameter.name)
            } else {
                XCTAssertEqual(parameter.value, old, parameter.name)
            }
        }
        XCTAssertEqual(scaled, ["encoder.weight_hh_l0", "encoder.weight_hh_l1"])
    }
}
