/// Where a training run is: everything besides the parameters and the optimizer's buffers that a
/// resumed run needs to continue exactly as the interrupted one would have.
struct TrainingState: Codable, Equatable {
    /// One finished epoch.
    struct EpochRecord: Codable, Equatable {
        var epoch: Int
        var trainLoss: Double
        var dev: Evaluation
        var learningRate: Double
    }

    /// The epoch being trained, 1-based.
    var epoch = 1
    /// The first batch of `epoch` not yet trained on.
    var nextBatch = 0
    var learningRate: Double
    var optimizerSteps = 0
    var best: Evaluation?
    var bestEpoch = 0
    var epochsWithoutImprovement = 0
    var history: [EpochRecord] = []
    /// Running sums of the current epoch.
    var epochLossSum = 0.0
    var epochLossCount = 0
    var generatorStates: [[UInt64]] = []
    var finished = false
    var stoppedEarly = false
}
