import Pipeline
import XCTest

final class TaskTests: XCTestCase {
    func testTaskNamesAreWhatFilesSay() {
        XCTAssertEqual(Task.allCases.map(\.rawValue), ["sentiment", "tagger", "translate"])
        XCTAssertEqual(Task(rawValue: "sentiment"), .sentiment)
        XCTAssertNil(Task(rawValue: "Sentiment"))
    }
}
