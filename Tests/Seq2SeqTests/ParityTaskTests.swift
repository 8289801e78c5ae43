import Seq2Seq
import Tensor
import XCTest

/// The parity task and a long-range memory task: what an LSTM learns that a vanilla RNN cannot,
/// and the gradient-norm diagnostics that show why.
final class ParityTaskTests: XCTestCase {
    /// Trained on bit strings of length 1–10 only, the LSTM classifies strings of length 50–100.
    func testLSTMTrainedOnShortParityGeneralisesToLongerSequences() {
        var task = ParityTask(cell: LSTMCell(), hiddenSize: 16, seed: 1)
        var generator = SeededGenerator(seed: 2), held = SeededGenerator(seed: 3)
        let short = ParityTask<LSTMCell>.batch(size: 512, lengthRange: 1...10, generator: &held)
        let long = ParityTask<LSTMCell>.batch(size: 512, lengthRange: 50...100, generator: &held)
        XCTAssertLessThan(task.accuracy(ids: long.ids, lengths: long.lengths, labels: long.labels), 0.7, "untrained")
        var loss: Float = .infinity
        for _ in 0..<300 {
            let batch = ParityTask<LSTMCell>.batch(size: 64, lengthRange: 1...10, generator: &generator)
            loss = task.train(ids: batch.ids, lengths: batch.lengths, labels: batch.labels)
        }
        XCTAssertLessThan(loss, 0.01)
        XCTAssertGreaterThanOrEqual(task.accuracy(ids: short.ids, lengths: short.lengths, labels: short.labels), 0.99)
        XCTAssertGreaterThanOrEqual(task.accuracy(ids: long.ids, lengths: long.lengths, labels: long.labels), 0.99)
    }

    /// ‖∂L/∂h_t‖ with the loss on the last of 30 steps: the vanilla RNN's gradient reaching the
    /// first step is ~10⁻¹⁰ of the last step's, the LSTM's (forget-gate bias 3) ~10⁻². So only the
    /// LSTM learns a label that is the first bit of 30, and the RNN stays at chance.
    func testVanillaRNNGradientVanishesWithDistanceWhereLSTMsDoesNot() {
        var lstm = ParityTask(cell: LSTMCell(), hiddenSize: 16, seed: 1)
        lstm.recurrent.setForgetGateBias(3)
        var rnn = ParityTask(cell: VanillaCell(activation: .tanh), hiddenSize: 16, seed: 1)

        let lstmDecay = relativeGradientAtFirstStep(lstm)
        let rnnDecay = relativeGradientAtFirstStep(rnn)
        XCTAssertLessThan(rnnDecay, 1e-6, "vanilla RNN: gradient at distance 29 relative to the last step")
        XCTAssertGreaterThan(lstmDecay, 1e-3, "LSTM: gradient at distance 29 relative to the last step")

        var generator = SeededGenerator(seed: 2), held = SeededGenerator(seed: 3)
        let test = ParityTask<LSTMCell>.batch(size: 512, lengthRange: 30...30, label: .firstBit, generator: &held)
        for _ in 0..<300 {
            let batch = ParityTask<LSTMCell>.batch(size: 64, lengthRange: 30...30, label: .firstBit, generator: &generator)
            _ = lstm.train(ids: batch.ids, lengths: batch.lengths, labels: batch.labels)
            _ = rnn.train(ids: batch.ids, lengths: batch.lengths, labels: batch.labels)
        }
        XCTAssertGreaterThanOrEqual(lstm.accuracy(ids: test.ids, lengths: test.lengths, labels: test.labels), 0.99)
        XCTAssertLessThanOrEqual(rnn.accuracy(ids: test.ids, lengths: test.lengths, labels: test.labels), 0.6)
    }

    /// ‖∂L/∂h_0‖ / ‖∂L/∂h_29‖ for a loss on the final state of 30-step sequences.
    func relativeGradientAtFirstStep<Cell: RecurrentCell>(_ task: ParityTask<Cell>) -> Double {
        var generator = SeededGenerator(seed: 9)
        let batch = ParityTask<Cell>.batch(size: 64, lengthRange: 30...30, label: .firstBit, generator: &generator)
        let (hidden, cache) = task.encode(ids: batch.ids, lengths: batch.lengths)
        let (_, logitsGradient) = SoftmaxCrossEntropy()(logits: task.classifier.forward(hidden), targets: batch.labels)
        task.backward(hiddenGradient: task.classifier.backward(outputGradient: logitsGradient, input: hidden),
                      ids: batch.ids, lengths: batch.lengths, cache: cache)
        let norms = task.recurrent.hiddenGradientNorms
        XCTAssertEqual(norms.count, 30)
        return norms[0] / norms[29]
    }
}
