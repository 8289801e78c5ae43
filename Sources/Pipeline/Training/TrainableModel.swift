import Tensor

/// What the trainer needs from a task's model: its parameters, a training step on a batch, and an
/// evaluation on the dev set. The loop itself (epochs, batches, optimizer, clipping, checkpoints,
/// early stopping, progress) is the trainer's and the same for every task.
public protocol TrainableModel: AnyObject {
    associatedtype Example

    /// Every trainable parameter, in a fixed order.
    var parameters: [Parameter<Float>] { get }
    /// The states of every generator the model draws from in training (dropout), so that a
    /// checkpoint can restore them.
    var generatorStates: [[UInt64]] { get set }

    /// Tokens in an example: batches group examples of similar length; progress counts tokens/s.
    func length(of example: Example) -> Int

    /// Forward and backward over a batch in training mode: adds ∂(mean loss)/∂θ into the
    /// parameters' gradients and returns the summed loss and the number of terms in it.
    func trainingStep(_ batch: [Example]) -> (lossSum: Double, count: Int)

    /// Scores the model on held-out examples (higher is better).
    func evaluate(_ examples: [Example]) -> Evaluation

    /// After a training step: ‖∂L/∂h‖ of the first recurrent layer by distance from each
    /// sequence's end (`RecurrentEncoder.hiddenGradientNormsFromEnd`), or nil when the model does
    /// not report it.
    var recurrentGradientNorms: [Double]? { get }
}

extension TrainableModel {
    public var recurrentGradientNorms: [Double]? { nil }
}
