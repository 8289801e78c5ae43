import Foundation
import NLPTestSupport
import Pipeline
import Tensor
import XCTest

/// The trainer stops with a clear error, not a model file it cannot write, when a dev score is no
/// longer a number (a language model's perplexity that overflowed to infinity).
final class TrainerDevScoreTests: XCTestCase {
    /// One parameter and a dev score that is finite for the first epoch only.
    final class Overflowing: TrainableModel {
        let parameters = [Parameter<Float>(name: "w", value: Matrix(rows: 1, cols: 1))]
        var generatorStates: [[UInt64]] = []
        var evaluations = 0
        func length(of example: Int) -> Int { 1 }
        func trainingStep(_ batch: [Int]) -> (lossSum: Double, count: Int) {
            parameters[0].gradient.storage[0] = 1
            return (1, batch.count)
        }
        func evaluate(_ examples: [Int]) -> Evaluation {
            evaluations += 1
            let metric = evaluations == 1 ? -20.0 : -Double.infinity
            return Evaluation(metricName: "-perplexity", metric: metric, summary: "perplexity \(-metric)")
        }
    }

    func testAnInfiniteDevScoreStopsTrainingWithWhatToTry() throws {
        let folder = try TemporaryFolder()
        var options = TrainingOptions()
        options.epochs = 3
        options.batchSize = 2
        let trainer = Trainer(model: Overflowing(), options: options, train: [1, 2, 3], dev: [1])
        trainer.checkpointPath = folder.path("m.checkpoint")
        var saved: [Int] = []
        trainer.onImprovement = { saved.append($1) }
        XCTAssertThrowsError(try trainer.run()) {
            XCTAssertEqual("\($0)", "training diverged: after epoch 2 the dev score is not finite (perplexity inf; "
                           + "learning rate 0.001); try a smaller --lr or --clip. The model file holds epoch 1, the best before it")
        }
        XCTAssertEqual(saved, [1])
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path("m.checkpoint")), "a retry is not refused")
    }
}
