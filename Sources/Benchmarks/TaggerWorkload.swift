import Embedding
import Seq2Seq
import Tensor

/// `bilstm_tag`: embedding 128 → 2-layer BiLSTM 256 per direction → linear to 9 tags, batch 32,
/// 40 steps (torch_anchor.py's `Tagger`): training (forward, backward, Adam step) and inference.
public enum TaggerWorkload {
    public static func make(
        vocabulary V: Int = 20000, embedding E: Int = 128, hidden H: Int = 256, tags: Int = 9,
        batch B: Int = 32, steps T: Int = 40
    ) -> (train: Workload, infer: Workload) {
        var generator = SeededGenerator(seed: 0)
        let embedding = Embedding<Float>(vocabularySize: V, dimension: E, name: "emb.weight", generator: &generator)
        let stack = RecurrentStack(count: 2, inputSize: E, generator: &generator) {
            Bidirectional<LSTMCell, Float>(cell: LSTMCell(), inputSize: $0, hiddenSize: H, prefix: "rnn.",
                                           layerIndex: $1, generator: &$2)
        }
        let model = TokenClassifier(embedding: embedding, encoder: stack, classes: tags, outputPrefix: "out.",
                                    generator: &generator)
        let ids = (0..<(T * B)).map { _ in Int(generator.next() % UInt64(V)) }
        let targets = (0..<(T * B)).map { _ in Int(generator.next() % UInt64(tags)) }
        let lengths = [Int](repeating: T, count: B)
        var optimizer = Adam<Float>(learningRate: 1e-3)   // torch.optim.Adam(lr=1e-3), as the anchor
        let forwardFlops = 2 * (gemmFlops(T * B, 4 * H, E) + gemmFlops(T * B, 4 * H, H))
            + 2 * (gemmFlops(T * B, 4 * H, 2 * H) + gemmFlops(T * B, 4 * H, H)) + gemmFlops(T * B, tags, 2 * H)
        let train = Workload(key: "bilstm_tag_train_tok_s", tokens: T * B, flops: 3 * forwardFlops) {
            model.zeroGradients()
            let (logits, cache) = model.forward(ids: ids, lengths: lengths, training: true)
            model.backward(logitsGradient: SoftmaxCrossEntropy()(logits: logits, targets: targets).logitsGradient,
                           cache: cache)
            optimizer.step(model.parameters)
        }
        let infer = Workload(key: "bilstm_tag_infer_tok_s", tokens: T * B, flops: forwardFlops) {
            _ = model.forward(ids: ids, lengths: lengths)
        }
        return (train, infer)
    }
}
