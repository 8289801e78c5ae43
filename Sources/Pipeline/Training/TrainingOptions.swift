import Tensor

/// How a model is trained; shared by every task. Saved in checkpoints (a resumed run must use the
/// same options) and in the model file's provenance.
public struct TrainingOptions: Codable, Equatable, Sendable {
    public enum OptimizerKind: String, Codable, CaseIterable, Sendable { case sgd, adam, adamw }

    /// Passes over the training data at most.
    public var epochs: Int = 10
    /// Sequences per batch.
    public var batchSize: Int = 32
    public var optimizer: OptimizerKind = .adam
    public var learningRate: Double = 1e-3
    /// SGD momentum (ignored by Adam and AdamW).
    public var momentum: Double = 0.9
    /// L2 penalty (SGD, Adam) or decoupled decay (AdamW).
    public var weightDecay: Double = 0
    /// Gradients are scaled down to this global L2 norm when above it; nil: no clipping.
    public var clipNorm: Double? = 5
    /// Stop after this many epochs without a better dev metric.
    public var patience: Int = 3
    /// The learning rate is multiplied by this after an epoch without improvement (1: never).
    public var learningRateDecay: Double = 1
    /// Seeds the initialisation, the shuffling and dropout: the same seed and threads give a
    /// bit-identical model file.
    public var seed: UInt64 = 1
    /// Threads for the matrix products and element-wise loops.
    public var threads: Int = 2

    public init() {}

    /// The first option out of its range, phrased with the option's name (as on the command line
    /// and in recipes), or nil.
    public var problem: String? {
        if epochs < 1 { return "--epochs must be at least 1" }
        if batchSize < 1 { return "--batch-size must be at least 1" }
        if !(learningRate > 0 && learningRate.isFinite) { return "--lr must be a positive number" }
        if !(momentum >= 0 && momentum < 1) { return "--momentum must be in [0, 1)" }
        if !(weightDecay >= 0 && weightDecay.isFinite) { return "--weight-decay must be 0 or more" }
        if let clipNorm, !(clipNorm > 0 && clipNorm.isFinite) { return "--clip must be a positive number (or 0 for none)" }
        if patience < 1 { return "--patience must be at least 1" }
        if !(learningRateDecay > 0 && learningRateDecay <= 1) { return "--lr-decay must be in (0, 1]" }
        return NumericRuntime.problem(threads: threads)
    }
}
