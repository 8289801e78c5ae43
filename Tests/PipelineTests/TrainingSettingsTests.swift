import Foundation
import NLPTestSupport
import Pipeline
import XCTest

/// Each task's training settings are checked once, by the library, before any file is read; the
/// command line shows the same message (its validation calls `problem`).
final class TrainingSettingsTests: XCTestCase {
    func testOutOfRangeSettingsAreRefusedBeforeAnythingIsRead() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("m.safetensors")
        func refused(_ train: () throws -> Void, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertThrowsError(try train(), file: file, line: line) {
                XCTAssertEqual("\($0)", "\(output): \(expected)", file: file, line: line)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: output), file: file, line: line)
        }
        let quiet = TrainingProgress(style: .quiet)
        var classifier = TextClassifierTraining(trainPath: "missing.txt", devPath: nil, outputPath: output)
        XCTAssertNil(classifier.problem)
        classifier.wordDropout = 1
        refused({ try classifier.train(progress: quiet) }, "--word-dropout must be in [0, 1)")
        classifier.wordDropout = 0
        classifier.vectorsVocabulary = 10
        refused({ try classifier.train(progress: quiet) }, "--vectors-vocab needs --vectors")

        var tagger = TaggerTraining(trainPath: "missing.conll", devPath: nil, outputPath: output)
        XCTAssertNil(tagger.problem)
        tagger.tagColumn = .index(0)
        refused({ try tagger.train(progress: quiet) }, "--token-column and --tag-column must differ")
        tagger.tagColumn = .last
        tagger.encoder.layers = 0
        refused({ try tagger.train(progress: quiet) }, "--layers must be at least 1")

        var translation = TranslationTraining(train: .aligned(source: "missing.en", target: "missing.de"), dev: nil, outputPath: output)
        XCTAssertNil(translation.problem)
        translation.merges = -1
        refused({ try translation.train(progress: quiet) }, "--merges must be 0 or more")
        translation.merges = 10
        translation.attention = .dot
        translation.decoderHiddenSize = 300
        refused({ try translation.train(progress: quiet) }, "--attention dot needs --decoder-hidden equal to the encoder output width (512)")
        translation.attention = .additive
        translation.run.options.threads = 0
        refused({ try translation.train(progress: quiet) }, "--threads must be at least 1")
    }
}
