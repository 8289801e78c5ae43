/// Step decay of the learning rate: multiply it by `gamma` every `stepSize` epochs. PyTorch's
/// `StepLR`:
///
///     η_e = η_{e−1} · γ   if e is a multiple of stepSize,   else η_{e−1}       (e = 1, 2, ...)
///
/// so η_e = η₀ · γ^⌊e / stepSize⌋. Call `step()` once at the end of every epoch and give the
/// optimizer the returned rate:
///
///     optimizer.learningRate = schedule.step()
public struct StepDecay: Equatable, Sendable {
    public let stepSize: Int
    public let gamma: Double
    /// Epochs completed (PyTorch's `last_epoch`).
    public var epoch: Int
    /// The current learning rate.
    public var learningRate: Double

    public init(learningRate: Double, stepSize: Int, gamma: Double = 0.1) {
        precondition(stepSize > 0, "step size \(stepSize) must be positive")
        precondition(learningRate >= 0 && gamma >= 0, "negative learning rate or gamma")
        self.stepSize = stepSize
        self.gamma = gamma
        self.epoch = 0
        self.learningRate = learningRate
    }

    /// Ends an epoch; returns the learning rate for the next one.
    @discardableResult
    public mutating func step() -> Double {
        epoch += 1
        if epoch % stepSize == 0 { learningRate *= gamma }
        return learningRate
    }
}
