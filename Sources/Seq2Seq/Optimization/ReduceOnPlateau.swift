/// Reduces the learning rate when a validation metric stops improving: PyTorch's
/// `ReduceLROnPlateau`, decision for decision.
///
/// A metric a improves on the best so far when (for threshold τ)
///
///     mode min, relative:  a < best · (1 − τ)        mode max, relative:  a > best · (1 + τ)
///     mode min, absolute:  a < best − τ              mode max, absolute:  a > best + τ
///
/// Each report that does not improve is a bad epoch (bad epochs during a cooldown are not
/// counted). When more than `patience` bad epochs have accumulated,
///
///     η ← max(η · factor, minimumLearningRate)     (only if that lowers η by more than `eps`)
///
/// and counting restarts after `cooldown` epochs. Call `report(metric:)` once per epoch with the
/// validation metric and give the optimizer the returned rate:
///
///     optimizer.learningRate = plateau.report(metric: validationLoss)
public struct ReduceOnPlateau: Equatable, Sendable {
    public enum Mode: String, Sendable {
        /// Lower is better (a loss).
        case min
        /// Higher is better (accuracy, BLEU, F1).
        case max
    }

    public enum ThresholdMode: String, Sendable {
        /// PyTorch's `'rel'`: the metric must beat the best by a fraction τ of it.
        case relative = "rel"
        /// PyTorch's `'abs'`: the metric must beat the best by τ.
        case absolute = "abs"
    }

    public let mode: Mode
    public let factor: Double
    public let patience: Int
    public let threshold: Double
    public let thresholdMode: ThresholdMode
    public let cooldown: Int
    public let minimumLearningRate: Double
    /// Reductions smaller than this are skipped.
    public let eps: Double

    /// The current learning rate.
    public var learningRate: Double
    /// The best metric so far (±∞ before the first report).
    public var best: Double
    /// Bad epochs since the last improvement or reduction.
    public var badEpochs: Int
    /// Epochs of cooldown left.
    public var cooldownCounter: Int
    /// Reports so far (PyTorch's `last_epoch`).
    public var epoch: Int

    public init(
        learningRate: Double, mode: Mode = .min, factor: Double = 0.1, patience: Int = 10,
        threshold: Double = 1e-4, thresholdMode: ThresholdMode = .relative, cooldown: Int = 0,
        minimumLearningRate: Double = 0, eps: Double = 1e-8
    ) {
        precondition(factor < 1, "factor \(factor) must be < 1")
        precondition(factor >= 0 && patience >= 0 && cooldown >= 0 && threshold >= 0,
                     "negative factor, patience, cooldown or threshold")
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minimumLearningRate = minimumLearningRate
        self.eps = eps
        self.learningRate = learningRate
        self.best = mode == .min ? .infinity : -.infinity
        self.badEpochs = 0
        self.cooldownCounter = 0
        self.epoch = 0
    }

    /// Whether `metric` improves on `best` by more than the threshold. NaN never does.
    public func isImprovement(_ metric: Double) -> Bool {
        switch (mode, thresholdMode) {
        case (.min, .relative): return metric < best * (1 - threshold)
        case (.min, .absolute): return metric < best - threshold
        case (.max, .relative): return metric > best * (threshold + 1)
        case (.max, .absolute): return metric > best + threshold
        }
    }

    /// Records the epoch's metric; returns the learning rate for the next epoch.
    @discardableResult
    public mutating func report(metric: Double) -> Double {
        epoch += 1
        if isImprovement(metric) {
            best = metric
            badEpochs = 0
        } else {
            badEpochs += 1
        }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            badEpochs = 0
        }
        if badEpochs > patience {
            let reduced = max(learningRate * factor, minimumLearningRate)
            if learningRate - reduced > eps { learningRate = reduced }
            cooldownCounter = cooldown
            badEpochs = 0
        }
        return learningRate
    }
}
