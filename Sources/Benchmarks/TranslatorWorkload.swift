import Seq2Seq
import Tensor

/// `s2s`: torch_anchor.py's `S2S`, an attention translator with vocabularies of 8000 words on both
/// sides, embeddings 256, a bidirectional GRU encoder of 256 per direction, the bridge, a GRU decoder
/// of 512 fed [E[y] ; c], additive attention of width 512 and the output layer from [h ; c] (1024)
/// to the 8000 words: 15,842,624 parameters, as the anchor's.
///
/// - `s2s_train_tgt_tok_s`: batch 64, sources of 20 words, 20 decoder steps (19 words and `</s>`)
///   under teacher forcing, cross-entropy, backward and an Adam step; target tokens per second.
/// - `s2s_greedy_tgt_tok_s`: encode the batch, then 20 greedy decoder steps, each the argmax of the
///   logits, with no early stop (the anchor's `greedy`); target tokens per second.
/// - `s2s_greedy_b1_ms`: the same for one 15-word sentence; milliseconds (3 warm-ups, mean of 20).
///
/// The greedy workloads step `decoder.step` themselves rather than call `Translator.greedy`, which
/// ends each sentence at its `</s>` (random weights may emit it at any step) and also computes the
/// log-probabilities and alignments the anchor does not: this is exactly the anchor's work.
public enum TranslatorWorkload {
    public static func configuration(
        vocabulary V: Int = 8000, embedding E: Int = 256, encoderHidden He: Int = 256, decoderHidden Hd: Int = 512,
        attention A: Int = 512
    ) -> TranslatorConfiguration {
        TranslatorConfiguration(
            sourceVocabularySize: V, targetVocabularySize: V, embeddingDimension: E,
            encoder: EncoderConfiguration(cell: .gru, inputSize: E, hiddenSize: He, bidirectional: true),
            decoderHiddenSize: Hd, attention: .additive, attentionSize: A)
    }

    public static func make(
        batch B: Int = 64, sourceLength S: Int = 20, targetSteps T: Int = 20, latencySourceLength S1: Int = 15
    ) -> (train: Workload, greedy: Workload, greedyBatchOne: Workload, parameterCount: Int) {
        let configuration = configuration()
        var generator = SeededGenerator(seed: 0)
        let translator = Translator<Float>(configuration: configuration, generator: &generator)
        let V = configuration.targetVocabularySize
        // Words only (ids ≥ 4: no <pad>, <unk>, <s>, </s>), so every position is a real one.
        func sentence(_ length: Int) -> [Int] { (0..<length).map { _ in 4 + Int(generator.next() % UInt64(V - 4)) } }
        let sources = (0..<B).map { _ in sentence(S) }
        let targets = (0..<B).map { _ in sentence(T - 1) }   // + </s>: T decoder steps
        let source1 = [sentence(S1)]
        var optimizer = Adam<Float>(learningRate: 1e-3)   // torch.optim.Adam(lr=1e-3), as the anchor

        let flops = forwardFlops(configuration, batch: B, sourceLength: S, targetSteps: T)
        let train = Workload(key: "s2s_train_tgt_tok_s", tokens: B * T, flops: 3 * flops, warmup: 2, iterations: 5) {
            translator.zeroGradients()
            _ = translator.loss(sources: sources, targets: targets, training: true, computeGradients: true)
            optimizer.step(translator.parameters)
        }
        let greedy = Workload(key: "s2s_greedy_tgt_tok_s", tokens: B * T, flops: flops) {
            decodeGreedily(translator, sources, steps: T)
        }
        let greedyBatchOne = Workload(
            key: "s2s_greedy_b1_ms", tokens: T, flops: forwardFlops(configuration, batch: 1, sourceLength: S1, targetSteps: T),
            warmup: 3, iterations: 20, reportsLatency: true
        ) {
            decodeGreedily(translator, source1, steps: T)
        }
        return (train, greedy, greedyBatchOne, translator.parameters.reduce(0) { $0 + $1.value.count })
    }

    /// Encodes `sources` and runs exactly `steps` decoder steps, each fed the argmax of the previous
    /// step's logits (the first `<s>`). Returns the words chosen, time-major.
    @discardableResult
    public static func decodeGreedily(_ translator: Translator<Float>, _ sources: [[Int]], steps: Int) -> [Int] {
        let (memory, initialState, _) = translator.encode(sources, training: false)
        var states = initialState
        var words = [Int](repeating: Translator<Float>.startID, count: sources.count), chosen: [Int] = []
        for _ in 0..<steps {
            let step = translator.decoder.step(words: words, states: states, memory: memory)
            states = step.states
            let V = step.logits.cols
            words = step.logits.storage.withUnsafeBufferPointer { z in
                (0..<sources.count).map { argmax(z.baseAddress! + $0 * V, count: V) }
            }
            chosen += words
        }
        return chosen
    }

    /// The first index of the largest of `count` values (torch's `argmax`), 8 lanes at a time.
    static func argmax(_ values: UnsafePointer<Float>, count: Int) -> Int {
        let body = count - count % 8
        var maxima = SIMD8<Float>(repeating: -.infinity), indices = SIMD8<Int32>(repeating: -1)
        for j in stride(from: 0, to: body, by: 8) {
            let chunk = values.lanes(j, 8), better = chunk .> maxima
            maxima.replace(with: chunk, where: better)
            indices.replace(with: SIMD8(repeating: Int32(j)) &+ SIMD8(0, 1, 2, 3, 4, 5, 6, 7), where: better)
        }
        var best = -1, largest = -Float.infinity
        for lane in 0..<8 where indices[lane] >= 0 {
            let index = Int(indices[lane])
            if maxima[lane] > largest || (maxima[lane] == largest && index < best) { (best, largest) = (index, maxima[lane]) }
        }
        for j in body..<count where best < 0 || values[j] > largest { (best, largest) = (j, values[j]) }
        return best
    }

    /// FLOPs of the matrix products of one forward pass: encoder, keys, bridge, and per decoder step
    /// the query projection, the cell's two products and the output layer.
    static func forwardFlops(_ c: TranslatorConfiguration, batch B: Int, sourceLength S: Int, targetSteps T: Int) -> Double {
        let (E, He, Hd, A, V) = (c.embeddingDimension, c.encoder.hiddenSize, c.decoderHiddenSize, c.attentionSize,
                                 c.targetVocabularySize)
        let Dm = c.encoder.outputSize, N = S * B, G = c.encoder.cell.gateCount
        let encoder = Double(c.encoder.directions) * (gemmFlops(N, G * He, E) + gemmFlops(N, G * He, He))
        let keys = gemmFlops(N, A, Dm), bridge = gemmFlops(B, Hd, Dm)
        let decoderStep = gemmFlops(B, A, Hd) + gemmFlops(B, G * Hd, E + Dm) + gemmFlops(B, G * Hd, Hd)
            + gemmFlops(B, V, Hd + Dm)
        return encoder + keys + bridge + Double(T) * decoderStep
    }
}
