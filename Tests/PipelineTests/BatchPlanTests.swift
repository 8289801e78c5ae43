import Pipeline
import XCTest

final class BatchPlanTests: XCTestCase {
    let lengths = (0..<1000).map { ($0 * 7919) % 53 + 1 }

    func testEveryExampleOnceAndBatchesOfTheRightSize() {
        let batches = BatchPlan.batches(lengths: lengths, batchSize: 32, seed: 7, epoch: 1)
        XCTAssertEqual(batches.flatMap { $0 }.sorted(), Array(0..<1000))
        XCTAssertTrue(batches.allSatisfy { $0.count <= 32 })
        XCTAssertEqual(batches.filter { $0.count < 32 }.count, 1, "one short batch: 1000 = 31·32 + 8")
    }

    func testTheSameSeedAndEpochGiveTheSamePlanAndOthersDiffer() {
        let plan = BatchPlan.batches(lengths: lengths, batchSize: 16, seed: 3, epoch: 2)
        XCTAssertEqual(plan, BatchPlan.batches(lengths: lengths, batchSize: 16, seed: 3, epoch: 2))
        XCTAssertNotEqual(plan, BatchPlan.batches(lengths: lengths, batchSize: 16, seed: 3, epoch: 3))
        XCTAssertNotEqual(plan, BatchPlan.batches(lengths: lengths, batchSize: 16, seed: 4, epoch: 2))
    }

    func testBucketingKeepsPaddingLow() {
        let batches = BatchPlan.batches(lengths: lengths, batchSize: 32, seed: 1, epoch: 1)
        let padded = batches.reduce(0) { total, batch in total + batch.count * batch.map { lengths[$0] }.max()! }
        let real = lengths.reduce(0, +)
        // Unsorted batches of these lengths are about half padding; pools of 50 batches sorted by
        // length leave little.
        XCTAssertLessThan(Double(padded - real) / Double(padded), 0.08)
    }

    func testInferenceBatchesCoverEveryIndexInLengthOrder() {
        let batches = BatchPlan.inferenceBatches(lengths: [5, 1, 3, 1], batchSize: 3)
        XCTAssertEqual(batches, [[1, 3, 2], [0]])
    }

    func testPaddedBatchIsTimeMajor() {
        let batch = PaddedBatch([[5, 6, 7], [8]])
        XCTAssertEqual(batch.ids, [5, 8, 6, 0, 7, 0])
        XCTAssertEqual(batch.lengths, [3, 1])
        XCTAssertEqual(batch.steps, 3)
    }
}
