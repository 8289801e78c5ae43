import NLPTestSupport
import Seq2Seq
import Tensor
import XCTest

final class TruncatedBPTTTests: XCTestCase {
    let lengths = [9, 4, 7]

    func testWindowsCoverTheStepsWithPerWindowLengths() {
        let windows = TruncatedBPTT(windowLength: 4).windows(lengths: lengths)
        XCTAssertEqual(windows.map(\.steps), [0..<4, 4..<8, 8..<9])
        XCTAssertEqual(windows.map(\.lengths), [[4, 4, 4], [4, 0, 3], [1, 0, 0]])
    }

    /// Carrying the state across windows reproduces the untruncated forward pass exactly, and the
    /// gradient of a loss on the last window with respect to that window's inputs equals full BPTT's
    /// (truncation only drops what flows back past the window's start).
    func testCarriedStateMatchesFullSequenceAndLastWindowGradients() {
        var generator = SeededGenerator(seed: 21)
        // (Truncation applies to unidirectional stacks: a bidirectional layer reads the future.)
        let forwardOnly = RecurrentStack(count: 2, inputSize: 3, generator: &generator) {
            Recurrent<LSTMCell, Double>(cell: LSTMCell(), inputSize: $0, hiddenSize: 4, suffix: "_l\($1)", generator: &$2)
        }
        let B = lengths.count, T = lengths.max()!
        let x = Matrix<Double>.normal(rows: T * B, cols: 3, standardDeviation: 1, using: &generator)
        let full = forwardOnly.forward(x, lengths: lengths)

        var state: [Matrix<Double>]? = nil
        var pieces: [Matrix<Double>] = []
        let windows = TruncatedBPTT(windowLength: 4).windows(lengths: lengths)
        var lastCache: RecurrentStack<Recurrent<LSTMCell, Double>>.Cache?
        for window in windows {
            let result = forwardOnly.forward(window.rows(of: x), lengths: window.lengths, initialStates: state)
            pieces.append(result.output)
            state = result.finalStates
            lastCache = result.cache
        }
        let stitched = pieces.flatMap(\.storage)
        XCTAssertEqual(stitched.count, full.output.count)
        for (a, b) in zip(stitched, full.output.storage) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        for (a, b) in zip(state!, full.finalStates) { XCTAssertEqual(a.storage, b.storage) }

        // Loss on the last window's outputs only.
        let last = windows.last!
        let weights = Matrix<Double>.normal(rows: last.steps.count * B, cols: 4, standardDeviation: 1, using: &generator)
        let truncated = forwardOnly.backward(outputGradient: weights, cache: lastCache!).inputGradient
        var fullWeights = Matrix<Double>(rows: T * B, cols: 4)
        for i in 0..<weights.count { fullWeights.storage[last.steps.lowerBound * B * 4 + i] = weights.storage[i] }
        let untruncated = forwardOnly.backward(outputGradient: fullWeights, cache: full.cache).inputGradient
        let tail = last.rows(of: untruncated)
        for (a, b) in zip(truncated.storage, tail.storage) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        // ... and full BPTT does send gradient further back, which truncation drops.
        XCTAssertGreaterThan(untruncated.rows(0..<(last.steps.lowerBound * B)).squaredNorm, 0)
    }
}
