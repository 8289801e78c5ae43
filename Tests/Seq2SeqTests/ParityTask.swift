import Embedding
import Seq2Seq
import Tensor

/// The parity task from the lectures: is the number of 1s in a bit string even? A sequence
/// classifier reads the bits (ids 1 and 2; 0 is padding) and classifies its final hidden state:
///
///     embedding → recurrent layer → h_T → linear → softmax over {even, odd}
/// What the label of a bit string is: its parity, or (a pure memory task) its first bit.
enum BitLabel { case parity, firstBit }

struct ParityTask<Cell: RecurrentCell> {
    let embedding: Embedding<Float>
    let recurrent: Recurrent<Cell, Float>
    let classifier: Linear<Float>
    var optimizer = Adam<Float>(learningRate: 0.01)

    init(cell: Cell, hiddenSize: Int, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        embedding = Embedding(vocabularySize: 3, dimension: 4, paddingIndex: 0, name: "embedding.weight", generator: &generator)
        recurrent = Recurrent(cell: cell, inputSize: 4, hiddenSize: hiddenSize, prefix: "rnn.", generator: &generator)
        classifier = Linear(inputSize: hiddenSize, outputSize: 2, prefix: "classifier.", generator: &generator)
    }

    var parameters: [Parameter<Float>] { embedding.parameters + recurrent.parameters + classifier.parameters }

    /// A batch of random bit strings with lengths drawn from `lengthRange`: time-major ids, lengths, parities.
    static func batch(
        size: Int, lengthRange: ClosedRange<Int>, label: BitLabel = .parity, generator: inout SeededGenerator
    ) -> (ids: [Int], lengths: [Int], labels: [Int]) {
        let lengths = (0..<size).map { _ in lengthRange.lowerBound + Int(generator.next() % UInt64(lengthRange.count)) }
        let T = lengths.max()!
        var ids = [Int](repeating: 0, count: T * size), labels = [Int](repeating: 0, count: size)
        for b in 0..<size {
            for t in 0..<lengths[b] {
                let bit = Int(generator.next() & 1)
                ids[t * size + b] = 1 + bit
                switch label {
                case .parity: labels[b] ^= bit
                case .firstBit: if t == 0 { labels[b] = bit }
                }
            }
        }
        return (ids, lengths, labels)
    }

    /// The final hidden states h_T (B, H) and what backward needs.
    func encode(ids: [Int], lengths: [Int]) -> (hidden: Matrix<Float>, cache: Recurrent<Cell, Float>.Cache) {
        let (_, final, cache) = recurrent.forward(embedding.forward(ids), lengths: lengths)
        let H = recurrent.hiddenSize   // the state row is [h] or [h | c]: keep h
        var hidden = Matrix<Float>(rows: lengths.count, cols: H)
        for b in 0..<lengths.count { for j in 0..<H { hidden[b, j] = final[b, j] } }
        return (hidden, cache)
    }

    /// One training step on a batch; returns the loss.
    mutating func train(ids: [Int], lengths: [Int], labels: [Int]) -> Float {
        for p in parameters { p.zeroGradient() }
        let (hidden, cache) = encode(ids: ids, lengths: lengths)
        let (loss, logitsGradient) = SoftmaxCrossEntropy()(logits: classifier.forward(hidden), targets: labels)
        backward(hiddenGradient: classifier.backward(outputGradient: logitsGradient, input: hidden),
                 ids: ids, lengths: lengths, cache: cache)
        _ = clipGradientNorm(parameters, maxNorm: 5)
        optimizer.step(parameters)
        return loss
    }

    /// Backpropagates ∂L/∂h_T through the recurrent layer and the embedding.
    func backward(hiddenGradient: Matrix<Float>, ids: [Int], lengths: [Int], cache: Recurrent<Cell, Float>.Cache) {
        let B = lengths.count, H = recurrent.hiddenSize, SH = recurrent.stateWidth
        var finalGradient = Matrix<Float>(rows: B, cols: SH)
        for b in 0..<B { for j in 0..<H { finalGradient[b, j] = hiddenGradient[b, j] } }
        let T = ids.count / B
        let inputGradient = recurrent.backward(
            outputGradient: Matrix(rows: T * B, cols: H), finalStateGradient: finalGradient, cache: cache).inputGradient
        embedding.backward(outputGradient: inputGradient, ids: ids)
    }

    func accuracy(ids: [Int], lengths: [Int], labels: [Int]) -> Double {
        let logits = classifier.forward(encode(ids: ids, lengths: lengths).hidden)
        var correct = 0
        for b in 0..<labels.count where (logits[b, 1] > logits[b, 0] ? 1 : 0) == labels[b] { correct += 1 }
        return Double(correct) / Double(labels.count)
    }
}
