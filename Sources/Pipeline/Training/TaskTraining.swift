/// A task's training settings: what the task reads and builds, checked by `problem`, and the
/// shared part of the run (`run`). `TextClassifierTraining`, `TaggerTraining` and
/// `TranslationTraining` are the three.
public protocol TaskTraining: Encodable {
    associatedtype Model: TaskModel

    var run: TrainingRun { get set }
    /// The first setting out of its range, phrased with the option's name (as on the command
    /// line and in recipes), or nil. `train` checks it (and the loop's options) first.
    var problem: String? { get }
    /// Trains; `resume` continues from the checkpoint beside the output. Progress goes to
    /// `progress`; `stopAfterBatches` interrupts the run (for tests of resuming).
    func train(resume: Bool, progress: TrainingProgress, stopAfterBatches: Int?) throws -> Trainer<Model>.Result
}
