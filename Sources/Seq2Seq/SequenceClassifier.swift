import Embedding
import Tensor

/// A many-to-one classifier (sentiment): one score per class for each whole sequence.
///
///     x_t = dropout(E[id'_t]) + r_t (T·B, D)   id' = `WordDropout`(id) in training; r a given
///                                              perturbation (adversarial training), else 0
///     y   = encoder(x)              (T·B, W), final states stateCount × (B, S·H)
///     p   = pool(y)                 (B, P)        (`Pooling`: last, max, mean or both over real steps;
///                                                 P = W, or 2W for max-mean)
///     z   = dropout(p) Wᵀ + b       (B, C)
///
/// W = `encoder.outputSize`. E is a learned table (`embedding.weight`, N(0, 1) or pretrained,
/// optionally frozen; row 0 is `<pad>`, zero and untrained) or, with `oneHot`, the constant V×V
/// identity, since onehot(id) · E = E[id]: still a gather, and not a parameter. (`<pad>` only
/// occurs on padded steps, whose vectors the encoder ignores.) The encoder's parameters are
/// PyTorch's names under `encoder.`, the linear layer's `output.weight` and `output.bias`.
/// Forward and backward are side by side; the loss (e.g. `SoftmaxCrossEntropy`) is the caller's.
public final class SequenceClassifier<Scalar: TensorScalar>: ParameterOwner {
    public typealias Configuration = SequenceClassifierConfiguration

    public let configuration: Configuration
    public let embedding: Embedding<Scalar>
    public let encoder: RecurrentEncoder<Scalar>
    public let output: Linear<Scalar>
    public let parameters: [Parameter<Scalar>]
    let dropout: Dropout
    let wordDropout: WordDropout
    /// The perturbation of adversarial training (ε = 0: off); `trainingPass` runs the second pass.
    let adversarial: AdversarialPerturbation
    /// Draws the masks of the dropouts (words, token vectors, pooled vector).
    var generator: SeededGenerator

    /// `pretrainedTable` (V, D) replaces the random table (its `<pad>` row is set to zero);
    /// `freezeEmbedding` keeps the table fixed (it stays among `parameters`, so files keep it).
    /// Neither applies with `oneHot`, whose identity table is always frozen and never stored.
    public init(
        configuration: Configuration, pretrainedTable: Matrix<Scalar>? = nil, freezeEmbedding: Bool = false,
        generator: inout SeededGenerator
    ) {
        if let problem = configuration.problem { preconditionFailure("classifier configuration: \(problem)") }
        let (V, D) = (configuration.vocabularySize, configuration.embeddingDimension)
        self.configuration = configuration
        if configuration.oneHot {
            precondition(pretrainedTable == nil, "a one-hot classifier takes no pretrained table")
            var identity = Matrix<Scalar>(rows: V, cols: V)
            for v in 0..<V { identity[v, v] = 1 }
            embedding = Embedding(table: identity, paddingIndex: 0, name: "embedding.weight", frozen: true)
        } else {
            embedding = Embedding(vocabularySize: V, dimension: D, pretrained: pretrainedTable, frozen: freezeEmbedding,
                                  name: "embedding.weight", generator: &generator)
        }
        encoder = RecurrentEncoder(configuration: configuration.encoder, prefix: "encoder.", generator: &generator)
        output = Linear(inputSize: configuration.pooling.width(encoderOutput: encoder.outputSize), outputSize: configuration.classes, prefix: "output.",
                        generator: &generator)
        dropout = Dropout(rate: configuration.dropout)
        wordDropout = WordDropout(rate: configuration.wordDropout)
        adversarial = AdversarialPerturbation(epsilon: configuration.adversarialEpsilon)
        self.generator = generator.split()
        parameters = (configuration.oneHot ? [] : embedding.parameters) + encoder.parameters + output.parameters
        requireUniqueParameterNames()
    }

    /// The exact positions (`SeededGenerator.savedState`) of every generator training draws from:
    /// this model's dropout generator, then the encoder's. A checkpoint saves them; setting them back
    /// makes a resumed run draw the same dropout masks as an uninterrupted one. Setting states that
    /// `SeededGenerator(state:)` rejects is a programmer error (validate a file's states first).
    public var generatorStates: [[UInt64]] {
        get { [generator.savedState, encoder.dropoutGenerator.savedState] }
        set {
            precondition(newValue.count == 2, "\(newValue.count) generator states, the classifier has 2")
            guard let own = SeededGenerator(state: newValue[0]), let inner = SeededGenerator(state: newValue[1]) else {
                preconditionFailure("invalid generator state \(newValue)")
            }
            generator = own
            encoder.dropoutGenerator = inner
        }
    }

    /// What forward keeps for backward.
    public struct Cache {
        let ids: [Int]                   // as read: `<pad>` on padded steps, after word dropout
        let lengths: [Int]
        let embeddingMask: Matrix<Scalar>?
        let encoder: RecurrentEncoder<Scalar>.Cache
        let argmax: [Int]                // max pooling: the step of each maximum (B·W)
        let pooledMask: Matrix<Scalar>?
        let dropped: Matrix<Scalar>      // dropout(p), the linear layer's input (B, W)
    }

    /// Time-major ids (T·B) of right-padded sequences with `lengths` (B, each in 1...T) → logits
    /// (B, C). Dropout (and only dropout) depends on `training`; ids on padded steps are ignored.
    /// `perturbation` (T·B, D), if given, is added to the token vectors after their dropout (a
    /// constant: backward passes no gradient into it).
    public func forward(
        ids: [Int], lengths: [Int], training: Bool, perturbation: Matrix<Scalar>? = nil
    ) -> (logits: Matrix<Scalar>, cache: Cache) {
        let B = lengths.count
        precondition(B > 0 && ids.count % B == 0, "\(ids.count) ids are not T·B for a batch of \(B)")
        let T = ids.count / B
        precondition(lengths.allSatisfy { $0 >= 1 && $0 <= T }, "lengths \(lengths) outside 1...\(T)")
        let read = wordDropout.apply(ids, lengths: lengths, training: training, generator: &generator)
        var tokens = dropout.forward(embedding.forward(read), training: training, generator: &generator)
        if let perturbation {
            let D = configuration.embeddingDimension
            precondition(perturbation.rows == ids.count && perturbation.cols == D,
                         "perturbation (\(perturbation.rows), \(perturbation.cols)), expected (\(ids.count), \(D))")
            tokens.output.add(perturbation)
        }
        let encoded = encoder.forward(tokens.output, lengths: lengths, training: training)
        let pooled = configuration.pooling.forward(outputs: encoded.output, finalStates: encoded.finalStates,
                                                   lengths: lengths, encoder: configuration.encoder)
        let dropped = dropout.forward(pooled.pooled, training: training, generator: &generator)
        return (output.forward(dropped.output),
                Cache(ids: read, lengths: lengths, embeddingMask: tokens.mask, encoder: encoded.cache,
                      argmax: pooled.argmax, pooledMask: dropped.mask, dropped: dropped.output))
    }

    /// Adds every parameter's gradient from ∂L/∂logits (B, C): the linear layer's, the encoder's
    /// (through the outputs, or the final states for `last`), and the used rows of the table.
    /// Returns ∂L/∂x (T·B, D), the gradient of the token vectors (zero on padded steps).
    @discardableResult
    public func backward(logitsGradient: Matrix<Scalar>, cache: Cache) -> Matrix<Scalar> {
        let (B, C) = (cache.lengths.count, configuration.classes)
        precondition(logitsGradient.rows == B && logitsGradient.cols == C,
                     "logits gradient (\(logitsGradient.rows), \(logitsGradient.cols)), expected (\(B), \(C))")
        let droppedGradient = output.backward(outputGradient: logitsGradient, input: cache.dropped)
        let pooledGradient = dropout.backward(droppedGradient, mask: cache.pooledMask)
        let encoded = configuration.pooling.backward(
            pooledGradient: pooledGradient, argmax: cache.argmax, lengths: cache.lengths,
            steps: cache.ids.count / B, encoder: configuration.encoder)
        let tokensGradient = encoder.backward(outputGradient: encoded.outputGradient,
                                              finalStateGradients: encoded.finalStateGradients,
                                              cache: cache.encoder).inputGradient
        if !embedding.isFrozen {
            embedding.backward(outputGradient: dropout.backward(tokensGradient, mask: cache.embeddingMask), ids: cache.ids)
        }
        return tokensGradient
    }

    /// One training pass over a batch: forward, `loss` (logits → its value and ∂L/∂logits), backward;
    /// with adversarial training (ε > 0) a second forward and backward of the batch, its dropouts
    /// drawn afresh, with the token vectors moved by r = ε g/‖g‖ per sequence, g = ∂L/∂x₁ of the
    /// first pass (r a constant). The gradients added are those of L(x₁) + L(x₂ + r), x₁ and x₂
    /// two dropout samples of the batch's vectors. (Drawing x₂ afresh, rather than perturbing x₁,
    /// did better on SST-2 dev and test: see the README.) Returns the first pass's loss (the
    /// second's if that is not finite, so that a caller checking the loss stops before an update)
    /// and r (nil without adversarial training: one pass, exactly the plain training step).
    @discardableResult
    public func trainingPass(
        ids: [Int], lengths: [Int], loss: (Matrix<Scalar>) -> (loss: Scalar, logitsGradient: Matrix<Scalar>)
    ) -> (loss: Scalar, perturbation: Matrix<Scalar>?) {
        let (logits, cache) = forward(ids: ids, lengths: lengths, training: true)
        let clean = loss(logits)
        let inputGradient = backward(logitsGradient: clean.logitsGradient, cache: cache)
        guard adversarial.epsilon > 0 else { return (clean.loss, nil) }
        let perturbation = adversarial(inputGradient: inputGradient, lengths: lengths)
        let (perturbed, perturbedCache) = forward(ids: ids, lengths: lengths, training: true, perturbation: perturbation)
        let perturbedLoss = loss(perturbed)
        backward(logitsGradient: perturbedLoss.logitsGradient, cache: perturbedCache)
        return (perturbedLoss.loss.isFinite ? clean.loss : perturbedLoss.loss, perturbation)
    }

    /// Class probabilities (B, C): the softmax of each row of the logits, dropout off.
    public func probabilities(ids: [Int], lengths: [Int]) -> Matrix<Scalar> {
        forward(ids: ids, lengths: lengths, training: false).logits.rowSoftmax()
    }
}
