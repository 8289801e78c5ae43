import FileIO
import Foundation
import Tensor

/// The part of a training run every task shares: where the model is written and how (the loop's
/// options, the weights' precision, checkpoints), and the recipe the settings came from. A task's
/// training value holds one, calls `start` before its own work and `train` at the end.
public struct TrainingRun: Sendable {
    public var outputPath: String
    public var options: TrainingOptions
    /// F16 halves the model file; values are rounded.
    public var saveDType = SafeTensors.DType.f32
    /// Minutes between checkpoints within an epoch (one is also written after every epoch).
    public var checkpointMinutes = 10.0
    /// Also a checkpoint every this many batches (for tests of resuming).
    public var checkpointEveryBatches: Int?
    /// The recipe file the options came from (`--config`), recorded with its checksum in the provenance.
    public var recipe: String?
    /// An SVG picture, rewritten after every epoch, of how far back from the end of the sentences
    /// the gradient reaches in the first recurrent layer: ‖∂L/∂h‖ by steps before the end, the
    /// mean over the epoch's batches, a line per epoch (`--gradient-report`).
    public var gradientReportPath: String?
    /// The steps before the end the report shows at most.
    public static let gradientReportSteps = 40

    public init(outputPath: String, options: TrainingOptions = TrainingOptions()) {
        self.outputPath = outputPath
        self.options = options
    }

    /// The checkpoint file of the run: beside the model, `.checkpoint` added.
    public var checkpointPath: String { outputPath + ".checkpoint" }

    /// Fails now, not after an hour of training: the task's settings (`settingsProblem`) and the
    /// loop's options are valid, the model file can be
    /// written, a run that resumes has a checkpoint to resume, and one that does not would not
    /// throw away the checkpoint an unfinished run left (starting over is asked for by deleting
    /// it). Removes the temporary files that killed writes of the model or checkpoint left.
    /// Returns the recipe's provenance entry (none without a recipe).
    func start(resume: Bool, settingsProblem: String?) throws -> [Provenance.DataFile] {
        if let problem = settingsProblem ?? options.problem { throw DataError(path: outputPath, problem) }
        try OutputFile.checkWritable(outputPath, what: "the model")
        if let gradientReportPath { try OutputFile.checkWritable(gradientReportPath, what: "the gradient report") }
        if resume {
            try TrainingCheckpoint.checkExists(at: checkpointPath)
        } else if FileManager.default.fileExists(atPath: checkpointPath) {
            throw DataError(path: checkpointPath, "an earlier run that did not finish left this checkpoint; add --resume "
                            + "to continue it, or delete the file to start over")
        }
        AtomicFile.removeAbandonedTemporaries(for: outputPath)
        AtomicFile.removeAbandonedTemporaries(for: checkpointPath)
        guard let recipe else { return [] }
        return [.init(role: "recipe", path: recipe, sha256: try SHA256.hexDigest(ofFile: recipe))]
    }

    /// The `--gradient-report` picture: ‖∂L/∂h‖ of the first recurrent layer by steps before the end,
    /// a line per epoch; under it the global gradient norm of every batch before clipping, a line
    /// per epoch, with the clipping bound. Series of fewer than two points are left out.
    static func gradientReport(recurrent: [GradientFlowPicture.Series], global: [GradientFlowPicture.Series],
                               clipNorm: Double?) -> String {
        var charts: [GradientFlowPicture] = []
        let reaching = recurrent.filter { $0.norms.count >= 2 }
        if !reaching.isEmpty {
            var picture = GradientFlowPicture(series: reaching, title: "‖∂L/∂h‖ of the first recurrent layer")
            picture.axisLabel = "steps before the end of the sequence (mean over each epoch's batches)"
            picture.countsFromTheEnd = true
            charts.append(picture)
        }
        let batches = global.filter { $0.norms.count >= 2 }
        if !batches.isEmpty {
            var picture = GradientFlowPicture(series: batches, title: "‖g‖, the gradient's global norm, before clipping")
            picture.axisLabel = "batch of the epoch"
            picture.verticalLabel = "‖g‖"
            picture.ratioInLegend = false
            picture.bound = clipNorm
            picture.boundLabel = clipNorm.map { "clipped to \(SVG.number($0, 1)) above this line" } ?? ""
            charts.append(picture)
        }
        let clipping = clipNorm.map { "gradients clipped at norm \($0)" } ?? "no clipping"
        return GradientFlowPicture.stacked(charts, title: "Gradients in training (\(clipping))")
    }

    /// Runs the trainer on `model`, writing it to `outputPath` whenever the dev score improves,
    /// with the provenance of `data` and `settings` and of the improving epoch; with `epochPath`,
    /// also after every epoch to `epochPath(epoch)`. `mixture` weights the corpora `train` is
    /// made of. A checkpoint is resumed only by the run it belongs to: its fingerprint is the
    /// SHA-256 of the provenance before training (data checksums, options, settings).
    func train<Model: TaskModel>(
        _ model: Model, train: [Model.Example], dev: [Model.Example], data: [Provenance.DataFile],
        settings: some Encodable, resume: Bool, progress: TrainingProgress, stopAfterBatches: Int?,
        mixture: CorpusMixture? = nil, epochPath: ((Int) -> String)? = nil
    ) throws -> Trainer<Model>.Result {
        let provenance = Provenance(data: data, training: options, settings: try JSONValue(encoding: settings))
        let trainer = Trainer(model: model, options: options, train: train, dev: dev, progress: progress)
        trainer.checkpointPath = checkpointPath
        trainer.checkpointMinutes = checkpointMinutes
        trainer.checkpointEveryBatches = checkpointEveryBatches
        trainer.stopAfterBatches = stopAfterBatches
        trainer.fingerprint = SHA256.hexDigest(try CanonicalJSON.data(provenance))
        trainer.mixture = mixture
        func record(_ evaluation: Evaluation, _ epoch: Int) -> Provenance {
            var record = provenance
            record.dev = evaluation
            record.epoch = epoch
            return record
        }
        let (output, dtype) = (outputPath, saveDType)
        trainer.onImprovement = { try model.write(to: output, provenance: record($0, $1), dtype: dtype) }
        if let gradientReportPath {
            var recurrent: [GradientFlowPicture.Series] = [], global: [GradientFlowPicture.Series] = []
            let clipNorm = options.clipNorm
            trainer.onGradientReport = { gradients in
                recurrent.append(.init(label: "epoch \(gradients.epoch)",
                                       norms: Array(gradients.recurrentNorms.prefix(Self.gradientReportSteps).reversed())))
                global.append(.init(label: "epoch \(gradients.epoch): " + gradients.summary(clipNorm: clipNorm),
                                    norms: gradients.gradientNorms))
                try AtomicFile.write(Array(Self.gradientReport(recurrent: recurrent, global: global, clipNorm: clipNorm).utf8),
                                     to: gradientReportPath)
            }
        }
        if let epochPath {
            trainer.onEpochEnd = { try model.write(to: epochPath($1), provenance: record($0, $1), dtype: dtype) }
        }
        return try trainer.run(resume: resume)
    }
}
