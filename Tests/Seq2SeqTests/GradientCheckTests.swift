import Embedding
import NLPTestSupport
import Seq2Seq
import Tensor
import XCTest

/// Central-difference gradient checks in Double for every layer, with padded (masked) batches.
final class GradientCheckTests: XCTestCase {
    let threshold = 1e-6
    let lengths = [5, 2, 4]          // B = 3, T = 5: rows 1 and 2 are padded
    let (inputSize, hiddenSize) = (3, 4)

    func testRecurrentLayersForEveryCell() {
        checkRecurrent(VanillaCell(activation: .tanh))
        checkRecurrent(VanillaCell(activation: .relu))
        checkRecurrent(LSTMCell())
        checkRecurrent(GRUCell())
    }

    func testStackedBidirectionalForEveryCell() {
        for merge in [Bidirectional<LSTMCell, Double>.Merge.concat, .sum] {
            checkStack(LSTMCell(), merge: merge)
        }
        checkStack(GRUCell(), merge: .concat)
        checkStack(VanillaCell(activation: .tanh), merge: .concat)
        checkStack(VanillaCell(activation: .relu), merge: .sum)
    }

    /// B = 1, T = 1, and rows of length 0 (state carried through every step).
    func testEdgeLengthsForEveryCell() {
        for lengths in [[1], [4, 0, 2, 1], [0, 3]] {
            var generator = SeededGenerator(seed: 17)
            let lstm = RecurrentStack(count: 2, inputSize: inputSize, generator: &generator) {
                Bidirectional<LSTMCell, Double>(cell: LSTMCell(), inputSize: $0, hiddenSize: 3, layerIndex: $1, generator: &$2)
            }
            checkSequenceModel(lstm, name: "lstm lengths \(lengths)", lengths: lengths, generator: &generator)
            let gru = RecurrentStack(count: 1, inputSize: inputSize, generator: &generator) {
                Recurrent<GRUCell, Double>(cell: GRUCell(), inputSize: $0, hiddenSize: 3, suffix: "_l\($1)", generator: &$2)
            }
            checkSequenceModel(gru, name: "gru lengths \(lengths)", lengths: lengths, generator: &generator)
        }
    }

    func checkRecurrent<Cell: RecurrentCell>(_ cell: Cell) {
        var generator = SeededGenerator(seed: 7)
        let layer = Recurrent<Cell, Double>(cell: cell, inputSize: inputSize, hiddenSize: hiddenSize,
                                            generator: &generator)
        let stack = RecurrentStack(count: 1, inputSize: inputSize, generator: &generator) { _, _, _ in layer }
        checkSequenceModel(stack, name: "\(cell.kind) single layer", generator: &generator)
    }

    func checkStack<Cell: RecurrentCell>(_ cell: Cell, merge: Bidirectional<Cell, Double>.Merge) {
        var generator = SeededGenerator(seed: 11)
        let stack = RecurrentStack(count: 2, inputSize: inputSize, generator: &generator) {
            Bidirectional<Cell, Double>(cell: cell, inputSize: $0, hiddenSize: self.hiddenSize, merge: merge,
                                        layerIndex: $1, generator: &$2)
        }
        checkSequenceModel(stack, name: "\(cell.kind) 2-layer bidirectional \(merge)", generator: &generator)
    }

    /// L = Σ out ⊙ R + Σ_i final_i ⊙ Q_i, differentiated with respect to every parameter, the input
    /// and the initial states.
    func checkSequenceModel<Layer: SequenceLayer>(
        _ stack: RecurrentStack<Layer>, name: String, lengths: [Int]? = nil, generator: inout SeededGenerator
    ) where Layer.Scalar == Double {
        let lengths = lengths ?? self.lengths
        let B = lengths.count, T = lengths.max()!
        let input = Parameter(name: "input", value: Matrix<Double>.normal(
            rows: T * B, cols: inputSize, standardDeviation: 1, using: &generator))
        let stateWidth = stack.layers[0].stateWidth
        let initial = (0..<stack.stateCount).map { i in
            Parameter(name: "initial\(i)", value: Matrix<Double>.normal(
                rows: B, cols: stateWidth, standardDeviation: 0.5, using: &generator))
        }
        let outputWeights = Matrix<Double>.normal(rows: T * B, cols: stack.outputSize, standardDeviation: 1, using: &generator)
        let stateWeights = initial.map { _ in
            Matrix<Double>.normal(rows: B, cols: stateWidth, standardDeviation: 1, using: &generator)
        }
        func loss() -> Double {
            let (output, finals, _) = stack.forward(input.value, lengths: lengths, initialStates: initial.map(\.value))
            return dot(output, outputWeights) + zip(finals, stateWeights).reduce(0) { $0 + dot($1.0, $1.1) }
        }
        stack.zeroGradients()
        let (_, _, cache) = stack.forward(input.value, lengths: lengths, initialStates: initial.map(\.value))
        let (inputGradient, initialGradients) = stack.backward(
            outputGradient: outputWeights, finalStateGradients: stateWeights, cache: cache)
        input.gradient = inputGradient
        for (parameter, gradient) in zip(initial, initialGradients) { parameter.gradient = gradient }

        // Padding must not leak: gradients of padded input rows are exactly zero.
        for t in 0..<T { for b in 0..<B where t >= lengths[b] {
            for j in 0..<inputSize { XCTAssertEqual(inputGradient[t * B + b, j], 0, "\(name): padded ∂input") }
        } }
        let errors = GradientCheck().worstErrors(of: stack.parameters + [input] + initial, generator: &generator, loss: loss)
        XCTAssertEqual(errors.count, stack.parameters.count + 1 + initial.count)
        for (parameter, error) in errors.sorted(by: { $0.key < $1.key }) {
            XCTAssertLessThan(error, threshold, "\(name): \(parameter)")
        }
    }

    func testLinearWithSoftmaxCrossEntropy() {
        var generator = SeededGenerator(seed: 3)
        let linear = Linear<Double>(inputSize: 5, outputSize: 7, generator: &generator)
        let input = Parameter(name: "input", value: Matrix<Double>.normal(rows: 6, cols: 5, standardDeviation: 1, using: &generator))
        let targets = [0, 6, -1, 3, 3, 1]   // one ignored row
        for criterion in [SoftmaxCrossEntropy(), SoftmaxCrossEntropy(labelSmoothing: 0.1, reduction: .sum)] {
            linear.zeroGradients()
            let logits = linear.forward(input.value)
            let (_, logitsGradient) = criterion(logits: logits, targets: targets)
            input.gradient = linear.backward(outputGradient: logitsGradient, input: input.value)
            XCTAssertEqual(logitsGradient.rows(2..<3).squaredNorm, 0, "ignored row has no gradient")
            let errors = GradientCheck().worstErrors(of: linear.parameters + [input], generator: &generator) {
                criterion(logits: linear.forward(input.value), targets: targets).loss
            }
            for (name, error) in errors { XCTAssertLessThan(error, threshold, "\(criterion): \(name)") }
        }
    }

    func testCrossEntropyValuesMatchDefinition() {
        // Two classes, logits (0, log 3): p = (1/4, 3/4). ℓ(target 1) = −log(3/4).
        let logits = Matrix<Double>(rows: 1, cols: 2, storage: [0, Double.log(3)])
        let (loss, gradient) = SoftmaxCrossEntropy()(logits: logits, targets: [1])
        XCTAssertEqual(loss, -Double.log(0.75), accuracy: 1e-12)
        XCTAssertEqual(gradient.storage[0], 0.25, accuracy: 1e-12)
        XCTAssertEqual(gradient.storage[1], -0.25, accuracy: 1e-12)
        // Label smoothing 0.2 over 2 classes: q = (0.1, 0.9); ℓ = −0.1 log ¼ − 0.9 log ¾.
        let smoothed = SoftmaxCrossEntropy(labelSmoothing: 0.2)(logits: logits, targets: [1]).loss
        XCTAssertEqual(smoothed, -0.1 * Double.log(0.25) - 0.9 * Double.log(0.75), accuracy: 1e-12)
    }

    func testBinaryCrossEntropy() {
        var generator = SeededGenerator(seed: 5)
        let logits = Parameter(name: "logits", value: Matrix<Double>.normal(rows: 4, cols: 2, standardDeviation: 3, using: &generator))
        let targets = Matrix<Double>(rows: 4, cols: 2, storage: [0, 1, 1, 0, 0.5, 1, 0, 0])
        let criterion = BinaryCrossEntropy()
        logits.gradient = criterion(logits: logits.value, targets: targets).logitsGradient
        let errors = GradientCheck().worstErrors(of: [logits], generator: &generator) {
            criterion(logits: logits.value, targets: targets).loss
        }
        XCTAssertLessThan(errors["logits"]!, threshold)
        // ℓ(z = 0, y = 1) = log 2.
        let zero = criterion(logits: Matrix<Double>(rows: 1, cols: 1), targets: Matrix(rows: 1, cols: 1, storage: [1]))
        XCTAssertEqual(zero.loss, Double.log(2), accuracy: 1e-12)
    }

    /// Embedding → 2-layer BiLSTM (dropout off) → Linear → masked cross-entropy: the whole tagger path.
    func testWholeTaggerModel() {
        var generator = SeededGenerator(seed: 13)
        let embedding = Embedding<Double>(vocabularySize: 9, dimension: inputSize, paddingIndex: 0,
                                          name: "embedding.weight", generator: &generator)
        let stack = RecurrentStack(count: 2, inputSize: inputSize, generator: &generator) {
            Bidirectional<LSTMCell, Double>(cell: LSTMCell(), inputSize: $0, hiddenSize: 3, layerIndex: $1, generator: &$2)
        }
        let model = TokenClassifier(embedding: embedding, encoder: stack, classes: 4, generator: &generator)
        let B = lengths.count, T = lengths.max()!
        var ids = [Int](repeating: 0, count: T * B), targets = [Int](repeating: -1, count: T * B)
        for t in 0..<T { for b in 0..<B where t < lengths[b] {
            ids[t * B + b] = 1 + Int(generator.next() % 8)
            targets[t * B + b] = Int(generator.next() % 4)
        } }
        let criterion = SoftmaxCrossEntropy()
        model.zeroGradients()
        let (logits, cache) = model.forward(ids: ids, lengths: lengths)
        model.backward(logitsGradient: criterion(logits: logits, targets: targets).logitsGradient, cache: cache)
        XCTAssertEqual(embedding.table.gradient.rows(0..<1).squaredNorm, 0, "padding row gets no gradient")
        let errors = GradientCheck().worstErrors(of: model.parameters, generator: &generator) {
            criterion(logits: model.forward(ids: ids, lengths: lengths).logits, targets: targets).loss
        }
        XCTAssertEqual(errors.count, model.parameters.count)
        for (name, error) in errors { XCTAssertLessThan(error, threshold, "tagger: \(name)") }
    }
}
