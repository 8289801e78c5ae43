import Embedding
import Tensor

/// A score for every class at every token: embedding, recurrent stack, linear layer.
///
///     x_t = E[id_t]          h = stack(x)          z_t = h_t Wᵀ + b        (T·B, classes)
///
/// With tags as classes it is a sequence tagger; with the next word as the class, a language model.
/// Forward and backward are side by side; the loss (e.g. `SoftmaxCrossEntropy`) is the caller's.
public final class TokenClassifier<Layer: SequenceLayer>: ParameterOwner {
    public typealias Scalar = Layer.Scalar
    public let embedding: Embedding<Scalar>
    public let encoder: RecurrentStack<Layer>
    public let output: Linear<Scalar>

    public init(embedding: Embedding<Scalar>, encoder: RecurrentStack<Layer>, classes: Int,
                outputPrefix: String = "output.", generator: inout SeededGenerator) {
        precondition(encoder.layers[0].inputSize == embedding.dimension,
                     "encoder reads \(encoder.layers[0].inputSize), embedding gives \(embedding.dimension)")
        self.embedding = embedding
        self.encoder = encoder
        self.output = Linear(inputSize: encoder.outputSize, outputSize: classes, prefix: outputPrefix,
                             generator: &generator)
        requireUniqueParameterNames()
    }

    public var parameters: [Parameter<Scalar>] { embedding.parameters + encoder.parameters + output.parameters }

    public struct Cache {
        let ids: [Int]
        let hidden: Matrix<Scalar>
        let encoder: RecurrentStack<Layer>.Cache
    }

    /// Time-major ids (T·B) with `lengths` (B) → logits (T·B, classes).
    public func forward(ids: [Int], lengths: [Int], training: Bool = false) -> (logits: Matrix<Scalar>, cache: Cache) {
        let hidden = encoder.forward(embedding.forward(ids), lengths: lengths, training: training)
        return (output.forward(hidden.output), Cache(ids: ids, hidden: hidden.output, encoder: hidden.cache))
    }

    /// Adds every parameter's gradient from ∂L/∂logits (T·B, classes).
    public func backward(logitsGradient: Matrix<Scalar>, cache: Cache) {
        let hiddenGradient = output.backward(outputGradient: logitsGradient, input: cache.hidden)
        let inputGradient = encoder.backward(outputGradient: hiddenGradient, cache: cache.encoder).inputGradient
        embedding.backward(outputGradient: inputGradient, ids: cache.ids)
    }
}
