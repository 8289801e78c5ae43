import Foundation
import XCTest

/// `--precision` on the commands that run the shipped models, as a user would.
final class PrecisionCommandTests: XCTestCase {
    static let models = TranslateCommandTests.corpora.deletingLastPathComponent().appendingPathComponent("models")
    static func model(_ name: String) -> String { models.appendingPathComponent(name).path }

    /// At int8 the shipped models give what they give at f32 on plain sentences (the int8 products
    /// differ from f32's in the last digits; measured on the full test sets: BLEU −0.27, F1 and
    /// accuracy within 0.1): the same translations, entities and labels, close probabilities.
    func testInt8AgreesWithFloat32OnTheShippedModels() throws {
        let sentences = ["A man is riding a bike down the street.", "Two dogs are playing in the snow."]
        let translator = ["translate", "--model", Self.model("translate-en-de.safetensors")] + sentences
        let f32 = try NLPRunner.run(translator)
        let int8 = try NLPRunner.run(translator + ["--precision", "int8"])
        XCTAssertEqual(int8.status, 0, int8.stderr)
        XCTAssertEqual(int8.output, f32.output)

        let text = "John Smith flew from Berlin to Paris with Lufthansa.\n"
        let tagger = ["tag", "--model", Self.model("ner-en.safetensors")]
        let tags = try NLPRunner.run(tagger + ["--precision", "int8"], input: text)
        XCTAssertEqual(tags.status, 0, tags.stderr)
        XCTAssertEqual(tags.output, try NLPRunner.run(tagger, input: text).output)

        let review = "The acting is wonderful and the story is moving.\n"
        let classifier = ["classify", "--model", Self.model("sentiment-en.safetensors")]
        let labels = try NLPRunner.run(classifier + ["--precision", "int8"], input: review)
        let reference = try NLPRunner.run(classifier, input: review)
        XCTAssertEqual(labels.status, 0, labels.stderr)
        let (got, expected) = (labels.output.split(separator: "\t"), reference.output.split(separator: "\t"))
        XCTAssertEqual(got.first, expected.first, "label")
        XCTAssertEqual(Double(got[1])!, Double(expected[1])!, accuracy: 0.02, "probability")
    }

    /// `nlp quantize` writes a smaller file that every command reads, refuses to overwrite its
    /// input, and a damaged int8 file is refused like any model file.
    func testQuantizeWritesASmallerModelThatClassifies() throws {
        let dir = try TemporaryDirectory()
        let original = Self.model("sentiment-en.safetensors"), int8 = dir.path("s.int8.safetensors")
        let result = try NLPRunner.run(["quantize", original, "-o", int8])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.output.contains("weight matrices in int8"), result.output)
        let size = { (path: String) in try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int }
        XCTAssertLessThan(try size(int8), try size(original) * 2 / 3, "f16 weights become int8")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.url.path), ["s.int8.safetensors"])

        let review = "The acting is wonderful and the story is moving.\n"
        for precision in ["f32", "int8"] {
            let labels = try NLPRunner.run(["classify", "--model", int8, "--precision", precision], input: review)
            XCTAssertEqual(labels.status, 0, labels.stderr)
            XCTAssertTrue(labels.output.hasPrefix("positive\t"), labels.output)
        }

        let same = try NLPRunner.run(["quantize", original, "-o", original])
        XCTAssertNotEqual(same.status, 0)
        XCTAssertTrue(same.stderr.contains("must not be the model"), same.stderr)

        var bytes = try Data(contentsOf: URL(fileURLWithPath: int8))
        bytes[bytes.count - 3] ^= 0x10
        let damaged = try dir.write("damaged.safetensors", bytes: Array(bytes))
        let refused = try NLPRunner.run(["classify", "--model", damaged], input: review)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("damaged.safetensors"), refused.stderr)
        XCTAssertEqual(refused.output, "")
    }

    func testBadPrecisionIsRefusedByName() throws {
        let result = try NLPRunner.run(["translate", "--precision", "f16", "Hello."])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--precision"), result.stderr)
        XCTAssertTrue(result.stderr.contains("int8"), "names the choices: \(result.stderr)")
        XCTAssertEqual(result.output, "")
    }

    /// At bf16 the shipped translator and tagger give what they give at f32 on plain sentences
    /// (measured on the full test sets: within 0.5 BLEU, 0.3 F1).
    func testBFloat16AgreesWithFloat32OnTheShippedModels() throws {
        let probe = try NLPRunner.run(["translate", "--precision", "bf16", "Hello."])
        if probe.stderr.contains("no bfloat16 matrix product") { throw XCTSkip("this CPU has no bf16 matmul in oneDNN") }
        let translator = ["translate", "--model", Self.model("translate-en-de.safetensors"),
                          "A man is riding a bike down the street."]
        let bf16 = try NLPRunner.run(translator + ["--precision", "bf16"])
        XCTAssertEqual(bf16.status, 0, bf16.stderr)
        XCTAssertEqual(bf16.output, try NLPRunner.run(translator).output)
        let text = "John Smith flew from Berlin to Paris with Lufthansa.\n"
        let tagger = ["tag", "--model", Self.model("ner-en.safetensors")]
        let tags = try NLPRunner.run(tagger + ["--precision", "bf16"], input: text)
        XCTAssertEqual(tags.status, 0, tags.stderr)
        XCTAssertEqual(tags.output, try NLPRunner.run(tagger, input: text).output)
    }

    /// A CPU without oneDNN's bf16 matmul (here: oneDNN held to AVX2) gets a clear refusal before
    /// any work, naming the option and the way out.
    func testBFloat16IsRefusedWhereTheCPUHasNone() throws {
        let result = try NLPRunner.run(["translate", "--precision", "bf16", "Hello."],
                                       environment: ["ONEDNN_MAX_CPU_ISA": "AVX2"])
        XCTAssertEqual(result.status, 64, result.stderr)
        XCTAssertTrue(result.stderr.contains("--precision bf16: this CPU has no bfloat16 matrix product"), result.stderr)
        XCTAssertTrue(result.stderr.contains("use --precision int8 or f32"), result.stderr)
        XCTAssertEqual(result.output, "")
    }

    func testBenchRefusesTrainingAtInt8() throws {
        let result = try NLPRunner.run(["bench", "--precision", "int8", "--workload", "lstm_train"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("training runs in float32"), result.stderr)
    }
}
