import ArgumentParser
import Pipeline

/// A `nlp train` subcommand: its options describe one task's training (`makeTraining`), whose
/// `problem` is the check of their values; running it trains and reports the best dev score.
protocol TrainTaskCommand: ParsableCommand {
    associatedtype Training: TaskTraining
    var training: TrainingArguments { get }
    /// The training the options describe.
    func makeTraining() throws -> Training
}

extension TrainTaskCommand {
    /// The ranges of the options' values, checked by the training settings themselves.
    func validateSettings() throws {
        if let problem = try makeTraining().problem { throw ValidationError(problem) }
    }

    func run() throws {
        let settings = try makeTraining()
        let progress = training.progress
        let result = try settings.train(resume: training.resume, progress: progress, stopAfterBatches: nil)
        progress.line("\(settings.run.outputPath): best dev \(result.best.summary) at epoch \(result.bestEpoch) of \(result.epochsRun)"
                      + (result.stoppedEarly ? " (stopped early)" : ""))
    }
}
