import Embedding
import Tensor

/// A recurrent language model (Zaremba et al. 2014; PyTorch's word_language_model): the
/// probability of the next token given those before it.
///
///     x_t = dropout(E[w_t])                      (T·B, E)
///     h_t, s_t = encoder(x_t, s_{t−1})          (T·B, H)   s_0 given (carried across windows) or 0
///     z_t = dropout(h_t) Wᵀ + b                 (T·B, V)   W = E when tied
///     p(w_{t+1} | w_≤t) = softmax(z_t)
///
/// E is `embedding.weight` (V, E), the encoder's PyTorch names are under `encoder.`, the output
/// layer's `output.weight` (untied only) and `output.bias`. Initialisation as PyTorch's example:
/// E and W uniform in ±0.1, b zero, the encoder as `RecurrentEncoder`. Forward and backward are side
/// by side; the loss (`SoftmaxCrossEntropy` with `ignoredTarget` on padded rows) is the caller's.
/// Backward stops at s_0: a window of truncated BPTT treats the carried state as a constant.
public final class LanguageModelNetwork<Scalar: TensorScalar>: ParameterOwner, GeneratorStateOwner {
    public let configuration: LanguageModelNetworkConfiguration
    public let embedding: Embedding<Scalar>
    public let encoder: RecurrentEncoder<Scalar>
    public let output: Linear<Scalar>
    public let parameters: [Parameter<Scalar>]
    let dropout: Dropout
    /// Draws the dropout masks of the token vectors and the encoder's outputs.
    var generator: SeededGenerator

    public init(configuration: LanguageModelNetworkConfiguration, generator: inout SeededGenerator) {
        if let problem = configuration.problem { preconditionFailure("language model configuration: \(problem)") }
        let (V, E) = (configuration.vocabularySize, configuration.embeddingDimension)
        self.configuration = configuration
        embedding = Embedding(table: .uniform(rows: V, cols: E, bound: 0.1, using: &generator), name: "embedding.weight")
        encoder = RecurrentEncoder(configuration: configuration.encoder, prefix: "encoder.", generator: &generator)
        let bias = Parameter<Scalar>(name: "output.bias", value: Matrix(rows: 1, cols: V), shape: [V])
        output = configuration.tied
            ? Linear(weight: embedding.table, bias: bias)
            : Linear(weight: Parameter(name: "output.weight", value: .uniform(rows: V, cols: configuration.encoder.hiddenSize,
                                                                              bound: 0.1, using: &generator)),
                     bias: bias)
        dropout = Dropout(rate: configuration.dropout)
        self.generator = generator.split()
        parameters = embedding.parameters + encoder.parameters + (configuration.tied ? [bias] : output.parameters)
        requireUniqueParameterNames()
    }

    /// States carried from one window to the next: `encoder.configuration.stateCount` matrices (B, S·H).
    public typealias State = [Matrix<Scalar>]

    /// What forward keeps for backward.
    public struct Cache {
        let ids: [Int]                   // T·B
        let tokenMask: Matrix<Scalar>?
        let encoder: RecurrentEncoder<Scalar>.Cache
        let hiddenMask: Matrix<Scalar>?
        let dropped: Matrix<Scalar>      // dropout(h), the output layer's input (T·B, H)
    }

    /// Time-major ids (T·B) of right-padded sequences with `lengths` (B), from `state` (zeros when
    /// nil) → logits (T·B, V) and the state after each row's last real step.
    public func forward(
        ids: [Int], lengths: [Int], state: State? = nil, training: Bool
    ) -> (logits: Matrix<Scalar>, state: State, cache: Cache) {
        let B = lengths.count
        precondition(B > 0 && ids.count % B == 0, "\(ids.count) ids are not T·B for a batch of \(B)")
        let tokens = dropout.forward(embedding.forward(ids), training: training, generator: &generator)
        let encoded = encoder.forward(tokens.output, lengths: lengths, initialStates: state, training: training)
        let dropped = dropout.forward(encoded.output, training: training, generator: &generator)
        return (output.forward(dropped.output), encoded.finalStates,
                Cache(ids: ids, tokenMask: tokens.mask, encoder: encoded.cache, hiddenMask: dropped.mask,
                      dropped: dropped.output))
    }

    /// Adds every parameter's gradient from ∂L/∂logits (T·B, V) (zero rows for padded steps): the
    /// output layer's, the encoder's, and the embedding's (both uses of E when tied).
    public func backward(logitsGradient: Matrix<Scalar>, cache: Cache) {
        let hiddenGradient = dropout.backward(output.backward(outputGradient: logitsGradient, input: cache.dropped),
                                              mask: cache.hiddenMask)
        let tokensGradient = encoder.backward(outputGradient: hiddenGradient, cache: cache.encoder).inputGradient
        embedding.backward(outputGradient: dropout.backward(tokensGradient, mask: cache.tokenMask), ids: cache.ids)
    }

    /// Truncated backpropagation through time over one batch: the steps are cut into windows of
    /// `windowLength` (`TruncatedBPTT`); each window runs forward from the previous one's final
    /// state and back to its own start. Adds ∂(mean cross-entropy)/∂θ over every real target of the
    /// batch, so with a window covering the sequence it is exactly full BPTT's gradient.
    ///
    /// ids, targets: time-major (T·B); targets −1 on padded steps. Returns the summed loss and the
    /// number of targets in it.
    public func accumulateGradients(
        ids: [Int], targets: [Int], lengths: [Int], windowLength: Int
    ) -> (lossSum: Double, count: Int) {
        let count = targets.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) }
        guard count > 0 else { return (0, 0) }
        return (crossEntropySum(ids: ids, targets: targets, lengths: lengths, windowLength: windowLength,
                                backwardScale: 1 / Scalar(count)), count)
    }

    /// The summed cross-entropy of `targets` (−1 on padded steps) read in windows of
    /// `windowLength` steps, the state carried from one to the next: the forward pass of
    /// `accumulateGradients`, in inference mode, and what perplexity is made of. The windows bound
    /// the logits held at once to windowLength·B rows, and change nothing else.
    public func crossEntropySum(ids: [Int], targets: [Int], lengths: [Int], windowLength: Int) -> Double {
        crossEntropySum(ids: ids, targets: targets, lengths: lengths, windowLength: windowLength, backwardScale: nil)
    }

    /// The windows' loop both share: forward in each window from the last one's final state; with a
    /// `backwardScale`, in training mode, and backward from backwardScale · ∂(summed loss)/∂logits.
    private func crossEntropySum(ids: [Int], targets: [Int], lengths: [Int], windowLength: Int,
                                 backwardScale: Scalar?) -> Double {
        let B = lengths.count
        precondition(ids.count == targets.count && ids.count % B == 0, "ids and targets must both be T·B")
        let crossEntropy = SoftmaxCrossEntropy(reduction: .sum, ignoredTarget: -1)
        var state: State?
        var lossSum = 0.0
        for window in TruncatedBPTT(windowLength: windowLength).windows(lengths: lengths) {
            let rows = (window.steps.lowerBound * B)..<(window.steps.upperBound * B)
            let (logits, finalState, cache) = forward(ids: Array(ids[rows]), lengths: window.lengths, state: state,
                                                      training: backwardScale != nil)
            var (loss, gradient) = crossEntropy(logits: logits, targets: Array(targets[rows]))
            if let backwardScale {
                for i in 0..<gradient.count { gradient.storage[i] *= backwardScale }
                backward(logitsGradient: gradient, cache: cache)
            }
            lossSum += Double(loss)
            state = finalState
        }
        return lossSum
    }

    /// The exact positions of the generators training draws from: this network's and the encoder's
    /// (between layers). A checkpoint saves them, so a resumed run draws the same masks.
    public var generatorStates: [[UInt64]] {
        get { [generator.savedState, encoder.dropoutGenerator.savedState] }
        set {
            precondition(newValue.count == 2, "\(newValue.count) generator states, the language model has 2")
            guard let own = SeededGenerator(state: newValue[0]), let between = SeededGenerator(state: newValue[1]) else {
                preconditionFailure("invalid generator state")
            }
            generator = own
            encoder.dropoutGenerator = between
        }
    }
}
