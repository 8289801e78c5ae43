import Embedding
import Seq2Seq
import Tensor

/// `lstm_train`: embedding 256 → 1-layer LSTM 512 → linear to 8000 words, batch 64, 32 steps, full
/// forward, BPTT backward and an Adam step (torch_anchor.py's `LM`).
public enum LanguageModelWorkload {
    public static func make(
        vocabulary V: Int = 8000, embedding E: Int = 256, hidden H: Int = 512, batch B: Int = 64, steps T: Int = 32
    ) -> Workload {
        var generator = SeededGenerator(seed: 0)
        let embedding = Embedding<Float>(vocabularySize: V, dimension: E, name: "emb.weight", generator: &generator)
        let lstm = RecurrentStack(count: 1, inputSize: E, generator: &generator) {
            Recurrent<LSTMCell, Float>(cell: LSTMCell(), inputSize: $0, hiddenSize: H, prefix: "rnn.",
                                       suffix: "_l\($1)", generator: &$2)
        }
        let model = TokenClassifier(embedding: embedding, encoder: lstm, classes: V, outputPrefix: "out.",
                                    generator: &generator)
        let ids = (0..<(T * B)).map { _ in Int(generator.next() % UInt64(V)) }
        let targets = (0..<(T * B)).map { _ in Int(generator.next() % UInt64(V)) }
        let lengths = [Int](repeating: T, count: B)
        var optimizer = Adam<Float>(learningRate: 1e-3)   // torch.optim.Adam(lr=1e-3), as the anchor
        let flops = 3 * (gemmFlops(T * B, 4 * H, E) + gemmFlops(T * B, 4 * H, H) + gemmFlops(T * B, V, H))
        return Workload(key: "lstm_train_tok_s", tokens: T * B, flops: flops) {
            model.zeroGradients()
            let (logits, cache) = model.forward(ids: ids, lengths: lengths, training: true)
            model.backward(logitsGradient: SoftmaxCrossEntropy()(logits: logits, targets: targets).logitsGradient,
                           cache: cache)
            optimizer.step(model.parameters)
        }
    }
}
