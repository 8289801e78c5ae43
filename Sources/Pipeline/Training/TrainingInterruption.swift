/// Thrown by `Trainer.run` when `stopAfterBatches` is reached.
public struct TrainingInterruption: Error {}
