import Pipeline
import XCTest

final class ClassificationReportTests: XCTestCase {
    /// gold:      a a a b b c
    /// predicted: a a b b c c
    func testScoresOfAKnownConfusionMatrix() {
        let report = ClassificationReport(labels: ["a", "b", "c"], gold: [0, 0, 0, 1, 1, 2], predicted: [0, 0, 1, 1, 2, 2])
        XCTAssertEqual(report.confusion, [[2, 1, 0], [0, 1, 1], [0, 0, 1]])
        XCTAssertEqual(report.correct, 4)
        XCTAssertEqual(report.accuracy, 4.0 / 6.0, accuracy: 1e-12)
        let a = report.classes[0], b = report.classes[1], c = report.classes[2]
        XCTAssertEqual([a.precision, a.recall], [1, 2.0 / 3.0])
        XCTAssertEqual(a.f1, 0.8, accuracy: 1e-12)
        XCTAssertEqual([b.precision, b.recall, b.f1], [0.5, 0.5, 0.5])
        XCTAssertEqual([c.precision, c.recall], [0.5, 1])
        XCTAssertEqual(c.f1, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(report.macroF1, (0.8 + 0.5 + 2.0 / 3.0) / 3, accuracy: 1e-12)
        XCTAssertEqual(report.classes.map(\.support), [3, 2, 1])
        XCTAssertTrue(report.text.contains("accuracy 66.67% (4/6)"), report.text)
    }

    func testAClassNeverPredictedHasZeroPrecisionNotNaN() {
        let report = ClassificationReport(labels: ["x", "y"], gold: [0, 1], predicted: [0, 0])
        XCTAssertEqual(report.classes[1].precision, 0)
        XCTAssertEqual(report.classes[1].f1, 0)
        XCTAssertEqual(report.classes[0].precision, 0.5)
    }
}
