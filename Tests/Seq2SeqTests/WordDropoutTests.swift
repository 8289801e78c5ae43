import Seq2Seq
import Tensor
import XCTest

/// Word dropout: the share of replaced ids, padding left alone, no draws when off.
final class WordDropoutTests: XCTestCase {
    func testReplacesAboutTheRateOfRealTokensAndNeverPadding() {
        var generator = SeededGenerator(seed: 7)
        let ids = (0..<20_000).map { $0 % 10 == 0 ? WordDropout.paddingID : 2 + $0 % 50 }
        let dropped = WordDropout(rate: 0.25).apply(ids, training: true, generator: &generator)
        XCTAssertEqual(dropped.count, ids.count)
        var replaced = 0
        for (before, after) in zip(ids, dropped) {
            if before == WordDropout.paddingID {
                XCTAssertEqual(after, WordDropout.paddingID, "padding stays")
            } else if after != before {
                XCTAssertEqual(after, WordDropout.unknownID, "a dropped word becomes <unk>")
                replaced += 1
            }
        }
        let share = Double(replaced) / 18_000
        XCTAssertEqual(share, 0.25, accuracy: 0.015, "share of real tokens replaced")
    }

    func testIsTheIdentityWithoutDrawsInInferenceOrAtRateZero() {
        let ids = [3, 4, 0, 5, 1, 9]
        var generator = SeededGenerator(seed: 8)
        let before = generator.savedState
        XCTAssertEqual(WordDropout(rate: 0.9).apply(ids, training: false, generator: &generator), ids)
        XCTAssertEqual(WordDropout(rate: 0).apply(ids, training: true, generator: &generator), ids)
        XCTAssertEqual(generator.savedState, before, "nothing drawn")
        // The same generator state gives the same replacements (what checkpoint replay relies on).
        var first = SeededGenerator(seed: 9), second = SeededGenerator(seed: 9)
        let many = Array(repeating: ids, count: 50).flatMap { $0 }
        XCTAssertEqual(WordDropout(rate: 0.5).apply(many, training: true, generator: &first),
                       WordDropout(rate: 0.5).apply(many, training: true, generator: &second))
    }
}
