import Seq2Seq
import XCTest

/// StepDecay and ReduceOnPlateau against PyTorch's StepLR and ReduceLROnPlateau on fixed metric
/// sequences (`Scripts/reference/make_optimizer_fixtures.py`).
final class LearningRateScheduleTests: XCTestCase {
    func testStepDecayMatchesStepLR() throws {
        let fixture = try OptimizerFixture.load()
        XCTAssertEqual(fixture.stepLR.count, 3)
        for testCase in fixture.stepLR {
            var schedule = StepDecay(learningRate: testCase.lr, stepSize: testCase.stepSize, gamma: testCase.gamma)
            let ours = (0..<testCase.epochs).map { _ in schedule.step() }
            assertClose(ours, testCase.lrs, "StepLR(step_size: \(testCase.stepSize), gamma: \(testCase.gamma))")
            XCTAssertEqual(schedule.epoch, testCase.epochs)
        }
    }

    func testReduceOnPlateauMatchesPyTorch() throws {
        let fixture = try OptimizerFixture.load()
        XCTAssertEqual(fixture.plateau.count, 5)
        for (index, testCase) in fixture.plateau.enumerated() {
            var schedule = ReduceOnPlateau(
                learningRate: testCase.lr, mode: try XCTUnwrap(ReduceOnPlateau.Mode(rawValue: testCase.mode)),
                factor: testCase.factor, patience: testCase.patience, threshold: testCase.threshold,
                thresholdMode: try XCTUnwrap(ReduceOnPlateau.ThresholdMode(rawValue: testCase.thresholdMode)),
                cooldown: testCase.cooldown, minimumLearningRate: testCase.minLR, eps: testCase.eps)
            let ours = testCase.metrics.map { schedule.report(metric: $0) }
            assertClose(ours, testCase.lrs, "plateau case \(index) (\(testCase.mode), \(testCase.thresholdMode))")
        }
        // The fixture exercises reductions, the floor and the eps guard: check it really does.
        XCTAssertTrue(fixture.plateau.contains { Set($0.lrs).count > 2 })
        XCTAssertTrue(fixture.plateau.contains { $0.minLR > 0 && $0.lrs.last == $0.minLR })
        XCTAssertTrue(fixture.plateau.contains { Set($0.lrs) == [$0.lr] })
    }

    func testPlateauCountsOnlyRealImprovements() {
        var schedule = ReduceOnPlateau(learningRate: 1, mode: .max, factor: 0.5, patience: 1, threshold: 0.1)
        XCTAssertEqual(schedule.report(metric: 10), 1)      // best 10
        XCTAssertEqual(schedule.report(metric: 10.5), 1)    // < 10 · 1.1: bad epoch 1
        XCTAssertEqual(schedule.best, 10)
        XCTAssertEqual(schedule.report(metric: 10.9), 0.5)  // bad epoch 2 > patience: halve
        XCTAssertEqual(schedule.report(metric: 12), 0.5)    // improvement
        XCTAssertEqual(schedule.best, 12)
        XCTAssertEqual(schedule.report(metric: .nan), 0.5)  // NaN is never an improvement
        XCTAssertEqual(schedule.badEpochs, 1)
    }

    /// |ours − torch| ≤ 1e-12 · |torch|: the same double arithmetic in the same order.
    func assertClose(_ ours: [Double], _ theirs: [Double], _ what: String, line: UInt = #line) {
        XCTAssertEqual(ours.count, theirs.count, "\(what): counts", line: line)
        for (epoch, (a, b)) in zip(ours, theirs).enumerated() {
            XCTAssertLessThanOrEqual(abs(a - b), 1e-12 * abs(b), "\(what): epoch \(epoch + 1): \(a) vs \(b)", line: line)
        }
    }
}
