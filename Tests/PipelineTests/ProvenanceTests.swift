import Foundation
import Pipeline
import Tensor
import XCTest

final class ProvenanceTests: XCTestCase {
    /// Settings are recorded as the training value encodes them: numbers stay numbers, nested
    /// values stay nested, and the canonical JSON reads back equal.
    func testTypedSettingsRoundTrip() throws {
        var training = TextClassifierTraining(trainPath: "train.txt", devPath: nil, outputPath: "m.safetensors")
        training.minCount = 3
        training.dropout = 0.25
        training.embedding = .pretrained(path: "glove.txt.gz")
        let provenance = Provenance(data: [], training: TrainingOptions(), settings: try JSONValue(encoding: training))
        XCTAssertEqual(provenance.settings["min-count"], .integer(3))
        XCTAssertEqual(provenance.settings["dropout"]?.double, 0.25)
        XCTAssertEqual(provenance.settings["encoder"]?["hiddenSize"], .integer(128))
        XCTAssertEqual(provenance.settings["embedding"]?["pretrained"]?["path"], .string("glove.txt.gz"))
        XCTAssertNil(provenance.settings["train"], "paths are in the data files, not the settings")
        let read = try JSONDecoder().decode(Provenance.self, from: try CanonicalJSON.data(provenance))
        XCTAssertEqual(read, provenance)
    }

    /// Model files written before the settings were typed hold a dictionary of strings; they load.
    func testUntypedSettingsOfOlderFilesStillDecode() throws {
        let old = #"{"data":[],"settings":{"cell":"lstm","hidden":"128"},"training":\#(String(decoding: try CanonicalJSON.data(TrainingOptions()), as: UTF8.self))}"#
        let provenance = try JSONDecoder().decode(Provenance.self, from: Data(old.utf8))
        XCTAssertEqual(provenance.settings["hidden"], .string("128"))
        let shipped = TranslationTrainingTests.corpora.deletingLastPathComponent().appendingPathComponent("models/sentiment-en.safetensors").path
        XCTAssertNotNil(try TextClassifier(contentsOf: shipped).provenance, "the shipped model's provenance decodes (typed or not)")
    }
}
