import Embedding
import Seq2Seq
import Tensor

/// `lstm_train`: embedding 256 → 1-layer LSTM 512 → linear to 8000 words, batch 64, 32 steps, full
/// forward, BPTT backward and an optimizer step (torch_anchor.py's `LM`).
public enum LanguageModelWorkload {
    public static func make(
        vocabulary V: Int = 8000, embedding E: Int = 256, hidden H: Int = 512, batch B: Int = 64, steps T: Int = 32
    ) -> Workload {
        var generator = SeededGenerator(seed: 0)
        let embedding = Embedding<Float>(vocabularySize: V, dimension: E, name: "emb.weight", generator: &generator)
        let lstm = Recurrent<LSTMCell, Float>(cell: LSTMCell(), inputSize: E, hiddenSize: H, prefix: "rnn.",
                                              generator: &generator)
        let output = Linear<Float>(inputSize: H, outputSize: V, prefix: "out.", generator: &generator)
        let parameters = embedding.parameters + lstm.parameters + output.parameters
        let ids = (0..<(T * B)).map { _ in Int(generator.next() % UInt64(V)) }
        let targets = (0..<(T * B)).map { _ in Int(generator.next() % UInt64(V)) }
        let lengths = [Int](repeating: T, count: B)
        let criterion = SoftmaxCrossEntropy()
        var optimizer = Adam<Float>(learningRate: 1e-3)   // torch.optim.Adam(lr=1e-3), as the anchor
        let flops = 3 * (gemmFlops(T * B, 4 * H, E) + gemmFlops(T * B, 4 * H, H) + gemmFlops(T * B, V, H))
        return Workload(key: "lstm_train_tok_s", tokens: T * B, flops: flops) {
            for p in parameters { p.zeroGradient() }
            let x = embedding.forward(ids)
            let (hidden, _, cache) = lstm.forward(x, lengths: lengths)
            let (_, logitsGradient) = criterion(logits: output.forward(hidden), targets: targets)
            let hiddenGradient = output.backward(outputGradient: logitsGradient, input: hidden)
            let inputGradient = lstm.backward(outputGradient: hiddenGradient, cache: cache).inputGradient
            embedding.backward(outputGradient: inputGradient, ids: ids)
            optimizer.step(parameters)
        }
    }
}
