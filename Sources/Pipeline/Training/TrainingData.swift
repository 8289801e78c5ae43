import FileIO
import Embedding
import Foundation
import Tensor
import Tokenize

/// Steps every task's training takes before the loop: checking the output can be written, holding
/// out a dev set, widening a vocabulary with pretrained vectors' words, fingerprinting a run.
enum TrainingData {
    /// Fails now, not after an hour of training, if a model cannot be written to `path`.
    /// Before any work: the model file can be written; a run that resumes has a checkpoint to
    /// resume, and one that does not would not throw away the checkpoint an unfinished run left
    /// (starting over is asked for by deleting it). Temporary files that killed writes of the
    /// model or checkpoint left are removed.
    static func prepareOutput(_ path: String, resume: Bool) throws {
        try OutputFile.checkWritable(path, what: "the model")
        let checkpoint = checkpointPath(for: path)
        if resume {
            try TrainingCheckpoint.checkExists(at: checkpoint)
        } else if FileManager.default.fileExists(atPath: checkpoint) {
            throw DataError(path: checkpoint, "an earlier run that did not finish left this checkpoint; add --resume "
                            + "to continue it, or delete the file to start over")
        }
        AtomicFile.removeAbandonedTemporaries(for: path)
        AtomicFile.removeAbandonedTemporaries(for: checkpoint)
    }

    /// Holds out `fraction` of `items` (seeded, at least one) as a dev set; both keep file order.
    static func holdOut<T>(_ items: [T], fraction: Double, seed: UInt64, path: String,
                           progress: TrainingProgress, what: String,
                           devOption: String = "--dev") throws -> (train: [T], dev: [T]) {
        var generator = SeededGenerator(seed: seed ^ 0xDE5E7)
        var order = Array(items.indices)
        order.shuffle(using: &generator)
        let held = max(1, Int((Double(items.count) * fraction).rounded()))
        guard items.count > held else {
            throw DataError(path: path, "too few \(what) (\(items.count)) to hold out a dev set; give \(devOption)")
        }
        let devSet = Set(order.prefix(held))
        progress.line("no --dev file: holding out \(held) of \(items.count) training \(what) as dev")
        return (items.indices.filter { !devSet.contains($0) }.map { items[$0] }, devSet.sorted().map { items[$0] })
    }

    /// `vocabulary` with entries added for the first `count` words of a vectors file (the most
    /// frequent), as `key` maps them, so words the training data never shows keep their vectors.
    static func widen(_ vocabulary: Vocabulary, withLeadingWordsOf path: String, count: Int,
                      key: (String) -> String = { $0 }) throws -> Vocabulary {
        guard count > 0 else { return vocabulary }
        var seen = Set(vocabulary.tokens)
        let extra = try PretrainedVectors.leadingWords(inFile: path, count: count).map(key).filter {
            !$0.isEmpty && !$0.utf8.contains(9) && !$0.utf8.contains(10) && seen.insert($0).inserted
        }
        let specials = Vocabulary.specialTokens.count
        return Vocabulary(ordinaryTokens: vocabulary.tokens.dropFirst(specials) + extra,
                          counts: vocabulary.counts.dropFirst(specials) + Array(repeating: 0, count: extra.count))
    }

    /// SHA-256 of a run's provenance before training (data checksums, options, settings): a
    /// checkpoint is resumed only by the run it belongs to.
    static func fingerprint(_ provenance: Provenance) throws -> String {
        SHA256.hexDigest(try CanonicalJSON.data(provenance))
    }

    /// The checkpoint file of a run writing the model `outputPath`: beside it, `.checkpoint` added.
    static func checkpointPath(for outputPath: String) -> String { outputPath + ".checkpoint" }

    /// Runs the trainer with the settings every task shares; `write` saves the model with the
    /// provenance of the improving epoch whenever the dev score improves, `writeEpoch` (if given)
    /// after every epoch. `mixture` weights the corpora `train` is made of.
    static func train<Model: TrainableModel>(
        _ model: Model, train: [Model.Example], dev: [Model.Example], options: TrainingOptions,
        provenance: Provenance, outputPath: String, checkpointMinutes: Double, checkpointEveryBatches: Int?,
        stopAfterBatches: Int?, resume: Bool, progress: TrainingProgress, mixture: CorpusMixture? = nil,
        writeEpoch: ((Provenance) throws -> Void)? = nil,
        write: @escaping (Provenance) throws -> Void
    ) throws -> Trainer<Model>.Result {
        let trainer = Trainer(model: model, options: options, train: train, dev: dev, progress: progress)
        trainer.checkpointPath = checkpointPath(for: outputPath)
        trainer.checkpointMinutes = checkpointMinutes
        trainer.checkpointEveryBatches = checkpointEveryBatches
        trainer.stopAfterBatches = stopAfterBatches
        trainer.fingerprint = try fingerprint(provenance)
        trainer.mixture = mixture
        func record(_ evaluation: Evaluation, _ epoch: Int) -> Provenance {
            var record = provenance
            record.dev = evaluation
            record.epoch = epoch
            return record
        }
        trainer.onImprovement = { try write(record($0, $1)) }
        if let writeEpoch { trainer.onEpochEnd = { try writeEpoch(record($0, $1)) } }
        return try trainer.run(resume: resume)
    }
}
