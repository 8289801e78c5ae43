import Seq2Seq
import Tensor
import XCTest

/// Word dropout: the share of replaced ids, padding, no draws when off.
final class WordDropoutTests: XCTestCase {
    func testReplacesAboutTheRateOfRealTokensAndReadsPaddedStepsAsPadding() {
        var generator = SeededGenerator(seed: 7)
        let (T, B) = (100, 200)
        let lengths = (0..<B).map { 90 + $0 % 11 }              // 90...100 real steps
        let ids = (0..<(T * B)).map { 2 + $0 % 50 }              // real-looking ids on padded steps too
        let read = WordDropout(rate: 0.25).apply(ids, lengths: lengths, training: true, generator: &generator)
        XCTAssertEqual(read.count, ids.count)
        var (real, replaced) = (0, 0)
        for t in 0..<T { for b in 0..<B {
            let n = t * B + b
            if t >= lengths[b] {
                XCTAssertEqual(read[n], WordDropout.paddingID, "a padded step reads <pad>")
                continue
            }
            real += 1
            if read[n] != ids[n] {
                XCTAssertEqual(read[n], WordDropout.unknownID, "a dropped word becomes <unk>")
                replaced += 1
            }
        } }
        XCTAssertEqual(Double(replaced) / Double(real), 0.25, accuracy: 0.015, "share of real tokens replaced")
    }

    func testDrawsNothingInInferenceOrAtRateZeroAndReplaysFromAState() {
        let ids = [3, 4, 7, 5, 1, 9], lengths = [3, 2]         // T = 3, B = 2: step 2 of sequence 1 is padding
        var generator = SeededGenerator(seed: 8)
        let before = generator.savedState
        XCTAssertEqual(WordDropout(rate: 0.9).apply(ids, lengths: lengths, training: false, generator: &generator),
                       [3, 4, 7, 5, 1, 0])
        XCTAssertEqual(WordDropout(rate: 0).apply(ids, lengths: lengths, training: true, generator: &generator),
                       [3, 4, 7, 5, 1, 0])
        XCTAssertEqual(generator.savedState, before, "nothing drawn")
        // The same generator state gives the same replacements (what checkpoint replay relies on).
        var first = SeededGenerator(seed: 9), second = SeededGenerator(seed: 9)
        let many = Array(repeating: ids, count: 50).flatMap { $0 }, manyLengths = [Int](repeating: 150, count: 2)
        let a = WordDropout(rate: 0.5).apply(many, lengths: manyLengths, training: true, generator: &first)
        XCTAssertEqual(a, WordDropout(rate: 0.5).apply(many, lengths: manyLengths, training: true, generator: &second))
        XCTAssertNotEqual(a, many, "some words dropped")
    }
}
