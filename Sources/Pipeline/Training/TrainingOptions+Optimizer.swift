import Seq2Seq
import Tensor

extension TrainingOptions {
    /// The optimizer the options choose, with their learning rate and weight decay.
    func makeOptimizer() -> any Optimizer<Float> {
        switch optimizer {
        case .sgd: SGD(learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
        case .adam: Adam(learningRate: learningRate, weightDecay: weightDecay)
        case .adamw: AdamW(learningRate: learningRate, weightDecay: weightDecay)
        }
    }
}
