import Embedding
import Tensor

/// An attention encoder-decoder translator (Bahdanau et al. 2015):
///
///     m   = encoder(dropout(E_src[x]))                     (S·B, Dm)   stacked, usually bidirectional
///     s_0 = tanh([f_1 ; … ; f_d] W_bᵀ + b_b)               (B, S·Hd)   bridge from the top layer's final
///                                                                     states f of its d directions
///     z   = decoder(y_<t, s_0, m)                          (T·B, V)    see `AttentionDecoder`
///
/// Trained with a (label-smoothed) cross-entropy on z under teacher forcing; the gradient runs
/// through the decoder, the attention and the bridge into the encoder and both embeddings.
/// Parameters: `encoder.embedding.weight`, `encoder.rnn.*` (PyTorch `nn.GRU`/`nn.LSTM` names),
/// `bridge.weight`, `bridge.bias`, `decoder.*`. Ids follow `Vocabulary`: 0 `<pad>`, 1 `<unk>`,
/// 2 `<s>`, 3 `</s>`.
public final class Translator<Scalar: TensorScalar>: ParameterOwner {
    public static var paddingID: Int { 0 }
    public static var startID: Int { 2 }
    public static var endID: Int { 3 }

    public let configuration: TranslatorConfiguration
    public let sourceEmbedding: Embedding<Scalar>
    public let encoder: RecurrentEncoder<Scalar>
    public let bridge: Linear<Scalar>
    public let decoder: AttentionDecoder<Scalar>
    public let parameters: [Parameter<Scalar>]
    let dropout: Dropout
    var generator: SeededGenerator

    public init(configuration: TranslatorConfiguration, generator: inout SeededGenerator) {
        if let problem = configuration.problem { preconditionFailure("translator configuration: \(problem)") }
        self.configuration = configuration
        let encoderConfiguration = configuration.encoder
        sourceEmbedding = Embedding(vocabularySize: configuration.sourceVocabularySize,
                                    dimension: configuration.embeddingDimension, pretrained: nil, frozen: false,
                                    name: "encoder.embedding.weight", generator: &generator)
        encoder = RecurrentEncoder(configuration: encoderConfiguration, prefix: "encoder.rnn.", generator: &generator)
        let decoderStateWidth = encoderConfiguration.cell.stateVectors * configuration.decoderHiddenSize
        bridge = Linear(inputSize: encoderConfiguration.directions * encoderConfiguration.stateWidth,
                        outputSize: decoderStateWidth, prefix: "bridge.", generator: &generator)
        decoder = AttentionDecoder(
            cell: encoderConfiguration.cell, vocabularySize: configuration.targetVocabularySize,
            embeddingDimension: configuration.embeddingDimension, hiddenSize: configuration.decoderHiddenSize,
            memorySize: encoderConfiguration.outputSize, attention: configuration.attention,
            attentionSize: configuration.attentionSize, dropout: configuration.dropout,
            tieEmbeddings: configuration.tieEmbeddings, prefix: "decoder.",
            generator: &generator)
        dropout = Dropout(rate: configuration.dropout)
        self.generator = generator.split()
        parameters = sourceEmbedding.parameters + encoder.parameters + bridge.parameters + decoder.parameters
        requireUniqueParameterNames()
    }

    /// The exact positions of every generator training draws from (this model's, the encoder's,
    /// the decoder's), for checkpoints.
    public var generatorStates: [[UInt64]] {
        get { [generator.savedState, encoder.dropoutGenerator.savedState, decoder.dropoutGenerator.savedState] }
        set {
            precondition(newValue.count == 3, "\(newValue.count) generator states, the translator has 3")
            let generators = newValue.map { state in
                guard let generator = SeededGenerator(state: state) else { preconditionFailure("invalid generator state \(state)") }
                return generator
            }
            generator = generators[0]
            encoder.dropoutGenerator = generators[1]
            decoder.dropoutGenerator = generators[2]
        }
    }

    /// What `encode` keeps for `encodeBackward`.
    public struct EncoderCache {
        let ids: [Int]
        let mask: Matrix<Scalar>?
        let encoder: RecurrentEncoder<Scalar>.Cache
        let bridgeInput: Matrix<Scalar>
        let initialState: Matrix<Scalar>
        let stateCount: Int
    }

    /// Source sentences (B, each ≥ 1 id) → the decoder's memory and initial states (B, S·Hd).
    public func encode(
        _ sources: [[Int]], training: Bool
    ) -> (memory: Attention<Scalar>.Memory, initialState: Matrix<Scalar>, cache: EncoderCache) {
        let B = sources.count, S = sources.map(\.count).max() ?? 0
        precondition(B > 0 && sources.allSatisfy { !$0.isEmpty }, "empty source sentence")
        var ids = [Int](repeating: Self.paddingID, count: S * B)
        for (b, sentence) in sources.enumerated() { for (s, id) in sentence.enumerated() { ids[s * B + b] = id } }
        let lengths = sources.map(\.count)
        let (vectors, mask) = dropout.forward(sourceEmbedding.forward(ids), training: training, generator: &generator)
        let (outputs, finalStates, cache) = encoder.forward(vectors, lengths: lengths, training: training)
        // The top layer's final states, directions side by side: (B, d·S·He)
        let d = configuration.encoder.directions, width = configuration.encoder.stateWidth
        var bridgeInput = Matrix<Scalar>(uninitializedRows: B, cols: d * width)
        for b in 0..<B { for k in 0..<d {
            let state = finalStates[finalStates.count - d + k]
            bridgeInput.storage.replaceSubrange((b * d * width + k * width)..<(b * d * width + (k + 1) * width),
                                                with: state.storage[(b * width)..<((b + 1) * width)])
        } }
        var initialState = bridge.forward(bridgeInput)
        for i in 0..<initialState.count { initialState.storage[i] = Scalar.hyperbolicTangent(initialState.storage[i]) }
        return (decoder.attention.memory(values: outputs, lengths: lengths), initialState,
                EncoderCache(ids: ids, mask: mask, encoder: cache, bridgeInput: bridgeInput,
                             initialState: initialState, stateCount: finalStates.count))
    }

    /// Backpropagates ∂memory values (S·B, Dm) and ∂initial state (B, S·Hd) into the bridge, the
    /// encoder and the source embedding.
    public func encodeBackward(memoryGradient: Matrix<Scalar>, initialStateGradient: Matrix<Scalar>, cache: EncoderCache) {
        var preActivation = initialStateGradient   // ∂(pre-tanh) = ∂s_0 ⊙ (1 − s_0²)
        for i in 0..<preActivation.count {
            let s = cache.initialState.storage[i]
            preActivation.storage[i] *= 1 - s * s
        }
        let bridgeGradient = bridge.backward(outputGradient: preActivation, input: cache.bridgeInput)
        let B = bridgeGradient.rows, d = configuration.encoder.directions, width = configuration.encoder.stateWidth
        var finalStateGradients = (0..<cache.stateCount).map { _ in Matrix<Scalar>(rows: B, cols: width) }
        for b in 0..<B { for k in 0..<d {
            finalStateGradients[cache.stateCount - d + k].storage.replaceSubrange(
                (b * width)..<((b + 1) * width),
                with: bridgeGradient.storage[(b * d * width + k * width)..<(b * d * width + (k + 1) * width)])
        } }
        let inputGradient = encoder.backward(outputGradient: memoryGradient, finalStateGradients: finalStateGradients,
                                             cache: cache.encoder).inputGradient
        sourceEmbedding.backward(outputGradient: dropout.backward(inputGradient, mask: cache.mask), ids: cache.ids)
    }

    /// Teacher-forced decoder inputs and targets, time-major (T·B), T = longest target + 1:
    /// inputs `<s> y_1 … y_L` and targets `y_1 … y_L </s>`, padded with `<pad>` and −1 (ignored).
    public static func teacherForcing(_ targets: [[Int]]) -> (inputs: [Int], targets: [Int]) {
        let B = targets.count, T = (targets.map(\.count).max() ?? 0) + 1
        var inputs = [Int](repeating: paddingID, count: T * B), outputs = [Int](repeating: -1, count: T * B)
        for (b, sentence) in targets.enumerated() {
            inputs[b] = startID
            for (t, id) in sentence.enumerated() { inputs[(t + 1) * B + b] = id; outputs[t * B + b] = id }
            outputs[sentence.count * B + b] = endID
        }
        return (inputs, outputs)
    }

    /// The mean cross-entropy of the targets given the sources under teacher forcing; with
    /// `computeGradients`, adds its gradient into the parameters'. Returns the summed loss and the
    /// number of target tokens (`</s>` included).
    public func loss(
        sources: [[Int]], targets: [[Int]], labelSmoothing: Double = 0, training: Bool, computeGradients: Bool
    ) -> (lossSum: Double, count: Int) {
        precondition(sources.count == targets.count, "\(sources.count) sources for \(targets.count) targets")
        let (memory, initialState, encoderCache) = encode(sources, training: training)
        let (inputs, outputs) = Self.teacherForcing(targets)
        let (logits, decoderCache) = decoder.forward(inputs: inputs, initialState: initialState, memory: memory,
                                                     training: training)
        let count = outputs.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) }
        let crossEntropy = SoftmaxCrossEntropy(labelSmoothing: labelSmoothing, reduction: .mean, ignoredTarget: -1)
        let (loss, logitsGradient) = crossEntropy(logits: logits, targets: outputs)
        if computeGradients {
            let (stateGradient, memoryGradient) = decoder.backward(logitsGradient: logitsGradient, cache: decoderCache)
            encodeBackward(memoryGradient: memoryGradient, initialStateGradient: stateGradient, cache: encoderCache)
        }
        return (Double(loss) * Double(count), count)
    }
}
