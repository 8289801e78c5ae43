import Foundation
import Seq2Seq
import Tensor

/// The training loop every task shares: epochs of seeded, length-bucketed batches; the optimizer
/// with gradient clipping; evaluation on the dev set after each epoch; the best model kept
/// (`onImprovement` writes it); early stopping after `patience` epochs without improvement;
/// checkpoints every `checkpointMinutes` and after every epoch, and resumption from them.
///
/// Determinism: the initial parameters come from the seed (the caller's), the batches of epoch e
/// from (seed, e), dropout from the model's generators, which checkpoints save. A run resumed from
/// a checkpoint therefore continues exactly as the interrupted run would have, and its model file
/// is byte-identical.
public final class Trainer<Model: TrainableModel> {
    public let model: Model
    public let options: TrainingOptions
    public let train: [Model.Example]
    public let dev: [Model.Example]
    public let progress: TrainingProgress
    /// Where checkpoints go; nil: none.
    public var checkpointPath: String?
    /// Minutes between checkpoints within an epoch (one is always written after each epoch).
    public var checkpointMinutes = 10.0
    /// Also checkpoint every this many batches (for tests).
    public var checkpointEveryBatches: Int?
    /// Identifies data, options and model settings; a checkpoint of another run is not resumed.
    public var fingerprint = ""
    /// Called with the dev evaluation and the epoch whenever the dev metric improves: write the
    /// model file here.
    public var onImprovement: (Evaluation, Int) throws -> Void = { _, _ in }
    /// Stops (throwing `TrainingInterruption`) after this many batches, writing nothing more: a
    /// stand-in for `kill -9` in tests.
    public var stopAfterBatches: Int?
    /// Which examples each epoch visits, when they come from weighted corpora; nil: each once.
    public var mixture: CorpusMixture?
    /// Called after every epoch with its dev evaluation and number (after `onImprovement`).
    public var onEpochEnd: (Evaluation, Int) throws -> Void = { _, _ in }
    /// When set, called after every epoch (and before a divergence is thrown) with what its
    /// batches' gradients were: the model's `recurrentGradientNorms` and each batch's global norm
    /// before clipping. It watches only: training is the same with or without it. A resumed epoch
    /// reports the batches run since resuming.
    public var onGradientReport: ((EpochGradients) throws -> Void)?

    public init(model: Model, options: TrainingOptions, train: [Model.Example], dev: [Model.Example],
                progress: TrainingProgress = TrainingProgress(style: .quiet)) {
        precondition(options.problem == nil, options.problem ?? "")
        precondition(!train.isEmpty && !dev.isEmpty, "training and dev sets must not be empty")
        self.model = model
        self.options = options
        self.train = train
        self.dev = dev
        self.progress = progress
    }

    /// What a finished run achieved.
    public struct Result: Equatable, Sendable {
        public var best: Evaluation
        public var bestEpoch: Int
        public var epochsRun: Int
        public var stoppedEarly: Bool
    }

    /// Trains to the end; with `resume`, first restores the checkpoint at `checkpointPath`.
    public func run(resume: Bool = false) throws -> Result {
        // One call per concrete optimizer, so the loop is specialised for it: through an
        // `any Optimizer<Float>` each update would run the unspecialised generic code (measured:
        // Adam then took a third of a translation model's training time).
        switch options.optimizer {
        case .sgd:
            try run(resume: resume, optimizer: SGD<Float>(learningRate: options.learningRate, momentum: options.momentum,
                                                          weightDecay: options.weightDecay))
        case .adam:
            try run(resume: resume, optimizer: Adam<Float>(learningRate: options.learningRate, weightDecay: options.weightDecay))
        case .adamw:
            try run(resume: resume, optimizer: AdamW<Float>(learningRate: options.learningRate, weightDecay: options.weightDecay))
        }
    }

    func run<Method: Optimizer<Float>>(resume: Bool, optimizer: Method) throws -> Result {
        NumericRuntime.configure(threads: options.threads)
        let parameters = model.parameters
        var optimizer = optimizer
        var state = TrainingState(learningRate: options.learningRate)
        if resume {
            guard let checkpointPath else { preconditionFailure("resume needs a checkpoint path") }
            var optimizerState = optimizer.state
            state = try TrainingCheckpoint.load(from: checkpointPath, parameters: parameters,
                                                optimizer: &optimizerState, fingerprint: fingerprint)
            optimizer.state = optimizerState
            guard state.generatorStates.count == model.generatorStates.count,
                  state.generatorStates.allSatisfy({ SeededGenerator(state: $0) != nil }) else {
                throw DataError(path: checkpointPath, "damaged checkpoint: its random generator states do not fit the model")
            }
            model.generatorStates = state.generatorStates
            progress.line("resuming \(checkpointPath): epoch \(state.epoch), batch \(state.nextBatch)"
                          + (state.best.map { ", best so far \($0.summary) (epoch \(state.bestEpoch))" } ?? ""))
        }
        optimizer.learningRate = state.learningRate
        let lengths = train.map(model.length(of:))
        var batchesRun = 0
        var lastCheckpoint = Date()

        func saveCheckpoint() throws {
            guard let checkpointPath else { return }
            state.learningRate = optimizer.learningRate
            state.optimizerSteps = optimizer.state.stepCount
            state.generatorStates = model.generatorStates
            try TrainingCheckpoint.save(to: checkpointPath, parameters: parameters, optimizer: optimizer.state,
                                        state: state, fingerprint: fingerprint)
            lastCheckpoint = Date()
        }

        /// When the run is over: finished, or diverged (resuming would diverge again, and other
        /// options cannot resume the checkpoint, so it goes and does not refuse the retry).
        func removeCheckpoint() {
            if let checkpointPath { try? FileManager.default.removeItem(atPath: checkpointPath) }
        }

        while !state.finished && state.epoch <= options.epochs {
            let sample = mixture.map { $0.indices(seed: options.seed, epoch: state.epoch) } ?? Array(train.indices)
            let batches = BatchPlan.batches(lengths: sample.map { lengths[$0] }, batchSize: options.batchSize,
                                            seed: options.seed, epoch: state.epoch).map { $0.map { sample[$0] } }
            let epochStart = Date()
            var tokens = 0
            var gradients = EpochGradients(epoch: state.epoch)
            while state.nextBatch < batches.count {
                let batch = batches[state.nextBatch].map { train[$0] }
                for parameter in parameters { parameter.zeroGradient() }
                let (lossSum, count) = model.trainingStep(batch)
                guard lossSum.isFinite else {
                    removeCheckpoint()
                    gradients.diverged = true
                    try onGradientReport?(gradients)
                    throw TrainingError.diverged(epoch: state.epoch, batch: state.nextBatch + 1,
                                                 learningRate: optimizer.learningRate)
                }
                // Clipping to an infinite bound only measures the norm.
                if options.clipNorm != nil || onGradientReport != nil {
                    let norm = clipGradientNorm(parameters, maxNorm: Float(options.clipNorm ?? .infinity))
                    if onGradientReport != nil {
                        gradients.add(recurrent: model.recurrentGradientNorms, gradientNorm: Double(norm))
                    }
                }
                optimizer.step(parameters)
                state.epochLossSum += lossSum
                state.epochLossCount += count
                state.nextBatch += 1
                tokens += batch.reduce(0) { $0 + model.length(of: $1) }
                let seconds = Date().timeIntervalSince(epochStart)
                progress.batchFinished(epoch: state.epoch, epochs: options.epochs, batch: state.nextBatch,
                                       batches: batches.count, loss: state.epochLossSum / Double(max(state.epochLossCount, 1)),
                                       tokensPerSecond: Double(tokens) / max(seconds, 1e-9), epochSeconds: seconds)
                batchesRun += 1
                if let stop = stopAfterBatches, batchesRun >= stop { throw TrainingInterruption() }
                let everyBatches = checkpointEveryBatches.map { state.nextBatch % $0 == 0 } ?? false
                if everyBatches || Date().timeIntervalSince(lastCheckpoint) >= checkpointMinutes * 60 {
                    try saveCheckpoint()
                }
            }

            let evaluation = model.evaluate(dev)
            guard evaluation.metric.isFinite else {
                removeCheckpoint()
                throw TrainingError.devScoreNotFinite(epoch: state.epoch, summary: evaluation.summary,
                                                      learningRate: optimizer.learningRate,
                                                      bestEpoch: state.best == nil ? nil : state.bestEpoch)
            }
            let trainLoss = state.epochLossSum / Double(max(state.epochLossCount, 1))
            let improved = state.best.map { evaluation.metric > $0.metric } ?? true
            state.history.append(.init(epoch: state.epoch, trainLoss: trainLoss, dev: evaluation,
                                       learningRate: optimizer.learningRate))
            if improved {
                state.best = evaluation
                state.bestEpoch = state.epoch
                state.epochsWithoutImprovement = 0
                try onImprovement(evaluation, state.epoch)
            } else {
                state.epochsWithoutImprovement += 1
                optimizer.learningRate *= options.learningRateDecay
            }
            try onEpochEnd(evaluation, state.epoch)
            if let onGradientReport, gradients.batches > 0 {
                try onGradientReport(gradients)
                progress.line("epoch \(state.epoch) gradients: " + gradients.summary(clipNorm: options.clipNorm))
            }
            progress.line(String(format: "epoch %d/%d: train loss %.4f, dev %@%@, %.0f s", state.epoch, options.epochs,
                                 trainLoss, evaluation.summary, improved ? " (best, saved)" : "",
                                 Date().timeIntervalSince(epochStart)))
            state.epoch += 1
            state.nextBatch = 0
            state.epochLossSum = 0
            state.epochLossCount = 0
            if state.epochsWithoutImprovement >= options.patience && state.epoch <= options.epochs {
                state.finished = true
                state.stoppedEarly = true
                progress.line("stopping early: no dev improvement for \(options.patience) epochs")
            }
            try saveCheckpoint()
        }
        state.finished = true
        removeCheckpoint()
        return Result(best: state.best!, bestEpoch: state.bestEpoch, epochsRun: state.history.count,
                      stoppedEarly: state.stoppedEarly)
    }
}
