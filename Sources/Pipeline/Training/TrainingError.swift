/// Training that cannot go on, with what to try.
public enum TrainingError: Error, CustomStringConvertible {
    case diverged(epoch: Int, batch: Int, learningRate: Double)
    /// The dev score is infinite or NaN after an epoch (e.g. a perplexity that overflowed).
    case devScoreNotFinite(epoch: Int, summary: String, learningRate: Double, bestEpoch: Int?)

    public var description: String {
        switch self {
        case let .diverged(epoch, batch, learningRate):
            return "training diverged: the loss is not finite at epoch \(epoch), batch \(batch) "
                + "(learning rate \(learningRate)); try a smaller --lr or --clip"
        case let .devScoreNotFinite(epoch, summary, learningRate, bestEpoch):
            return "training diverged: after epoch \(epoch) the dev score is not finite (\(summary); learning rate "
                + "\(learningRate)); try a smaller --lr or --clip"
                + (bestEpoch.map { ". The model file holds epoch \($0), the best before it" } ?? "")
        }
    }
}
