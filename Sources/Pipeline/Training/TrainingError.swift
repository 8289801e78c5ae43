/// Training that cannot go on, with what to try.
public enum TrainingError: Error, CustomStringConvertible {
    case diverged(epoch: Int, batch: Int, learningRate: Double)

    public var description: String {
        switch self {
        case let .diverged(epoch, batch, learningRate):
            return "training diverged: the loss is not finite at epoch \(epoch), batch \(batch) "
                + "(learning rate \(learningRate)); try a smaller --lr or --clip"
        }
    }
}
