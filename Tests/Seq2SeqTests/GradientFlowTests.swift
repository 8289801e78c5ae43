import Seq2Seq
import Tensor
import XCTest

/// The vanishing and exploding gradient as `nlp gradients` measures it.
final class GradientFlowTests: XCTestCase {
    func flow(_ cell: CellKind, steps: Int = 30) -> GradientFlow {
        var flow = GradientFlow(cell: cell, steps: steps)
        flow.hiddenSize = 32
        flow.batch = 8
        flow.samples = 3
        return flow
    }

    /// At 30 steps a tanh RNN's gradient reaching the first step is orders of magnitude below an
    /// LSTM's on the same setting (the LSTM with an open forget gate, bias 3).
    func testTheRNNsGradientVanishesOrdersOfMagnitudeBelowTheLSTMs() {
        var lstm = flow(.lstm)
        lstm.forgetGateBias = 3
        let rnnRatio = GradientFlow.ratio(flow(.rnnTanh).norms()), lstmRatio = GradientFlow.ratio(lstm.norms())
        XCTAssertLessThan(rnnRatio, 1e-5, "tanh RNN, ‖∂L/∂h_0‖ / ‖∂L/∂h_29‖")
        XCTAssertGreaterThan(lstmRatio, 1e-2, "LSTM with forget bias 3")
        XCTAssertLessThan(rnnRatio, lstmRatio * 1e-4)
    }

    /// With the gradient entering on the last step only, the norm falls step by step for a tanh RNN
    /// with PyTorch's initialisation, and grows with distance once W_hh is scaled up (exploding).
    func testTheNormFallsMonotonicallyAndExplodesWithALargeRecurrentWeight() {
        let norms = flow(.rnnTanh).norms()
        XCTAssertEqual(norms.count, 30)
        for t in 1..<norms.count { XCTAssertLessThan(norms[t - 1], norms[t], "step \(t)") }
        var exploding = flow(.rnnTanh)
        exploding.recurrentScale = 3
        XCTAssertGreaterThan(GradientFlow.ratio(exploding.norms()), 1, "W_hh × 3: the first step gets more than the last")
    }

    /// The last step's norm is that of the injected gradient, whatever the cell: ‖g‖ over B·H N(0, 1)
    /// entries is about √(B·H) = 16, so the means of three batches stay close to it.
    func testTheLastStepCarriesTheInjectedGradient() {
        for cell in CellKind.allCases {
            XCTAssertEqual(flow(cell).norms().last!, 16, accuracy: 2, cell.rawValue)
        }
    }

    func testTheSameSeedGivesTheSameNormsAndBadSettingsAreNamed() {
        XCTAssertEqual(flow(.gru).norms(), flow(.gru).norms())
        var other = flow(.gru)
        other.seed = 2
        XCTAssertNotEqual(flow(.gru).norms(), other.norms())
        var short = flow(.lstm, steps: 1)
        XCTAssertEqual(short.problem, "--steps must be at least 2")
        short.steps = 5
        short.recurrentScale = -1
        XCTAssertEqual(short.problem, "--recurrent-scale must be a positive number")
    }

    /// By distance from each sequence's end: with equal lengths the per-step norms reversed; with
    /// unequal ones, entry 0 is the norm of the gradients entering at every row's own last step.
    func testNormsFromTheEndLineSequencesUpAtTheirEnds() {
        var generator = SeededGenerator(seed: 4)
        let layer = Recurrent<LSTMCell, Double>(cell: LSTMCell(), inputSize: 3, hiddenSize: 4, generator: &generator)
        let lengths = [5, 2, 4], B = 3, T = 5
        let input = Matrix<Double>.normal(rows: T * B, cols: 3, standardDeviation: 1, using: &generator)
        var gradient = Matrix<Double>(rows: T * B, cols: 4)
        var entering = 0.0
        for b in 0..<B { for j in 0..<4 {
            let g = generator.nextNormal()
            gradient[(lengths[b] - 1) * B + b, j] = g
            entering += g * g
        } }
        _ = layer.backward(outputGradient: gradient, cache: layer.forward(input, lengths: lengths).cache)
        XCTAssertEqual(layer.hiddenGradientNormsFromEnd.count, 5)
        XCTAssertEqual(layer.hiddenGradientNormsFromEnd[0], entering.squareRoot(), accuracy: 1e-12)
        XCTAssertLessThan(layer.hiddenGradientNormsFromEnd[4], layer.hiddenGradientNormsFromEnd[0])

        let equal = [T, T, T]
        _ = layer.backward(outputGradient: gradient, cache: layer.forward(input, lengths: equal).cache)
        for (a, b) in zip(layer.hiddenGradientNormsFromEnd, layer.hiddenGradientNorms.reversed()) {
            XCTAssertEqual(a, b, accuracy: 1e-12 * max(1, b))
        }
    }
}
