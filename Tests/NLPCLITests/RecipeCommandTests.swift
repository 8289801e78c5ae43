import Foundation
import XCTest

/// `nlp train ... --config recipe.yaml`: options from a YAML file, the command line overriding
/// them, and errors that name the recipe's line.
final class RecipeCommandTests: XCTestCase {
    static let english = TranslateCommandTests.english
    static let german = TranslateCommandTests.german

    /// A small translation recipe over the sample corpus, two corpora given both ways.
    func recipe(in dir: TemporaryDirectory, extra: String = "") throws -> String {
        try dir.write("recipe.yaml", """
            # a small model
            corpus:
              - source: \(Self.english)
                target: \(Self.german)
                weight: 2
              - \(Self.english),\(Self.german)@0.5
            dev-corpus:
              - \(Self.english),\(Self.german)
            merges: 200
            embedding-dim: 16
            hidden: 16
            decoder-hidden: 32
            attention-size: 16
            epochs: 1
            batch-size: 16
            tie-embeddings: true
            quiet: true
            \(extra)
            """)
    }

    func provenance(of model: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: model))
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as! [String: Any]
        let metadata = header["__metadata__"] as! [String: String]
        return try JSONSerialization.jsonObject(with: Data(metadata["provenance"]!.utf8)) as! [String: Any]
    }

    func testARecipeTrainsAndTheCommandLineOverridesItsValues() throws {
        let dir = try TemporaryDirectory()
        let recipe = try recipe(in: dir)
        let model = dir.path("m.safetensors")
        let trained = try NLPRunner.run(["train", "translate", "--config", recipe, "-o", model, "--merges", "150"])
        XCTAssertEqual(trained.status, 0, trained.stderr)
        XCTAssertEqual(trained.stderr, "", "quiet: true in the recipe")
        let record = try provenance(of: model)
        let settings = record["settings"] as! [String: Any]
        XCTAssertEqual(settings["merges"] as? Int, 150, "the command line wins")
        XCTAssertEqual((settings["encoder"] as? [String: Any])?["hiddenSize"] as? Int, 16, "the recipe's value")
        XCTAssertEqual(settings["tie-embeddings"] as? Bool, true)
        XCTAssertEqual((settings["train"] as? [[String: Any]])?.map { $0["weight"] as? Double }, [2.0, 0.5],
                       "corpora from the recipe, as mappings and as specs")
        let roles = (record["data"] as! [[String: String]]).map { $0["role"]! }
        XCTAssertTrue(roles.contains("recipe"), "the recipe is recorded with its checksum: \(roles)")

        // A flag set by the recipe is turned off with --no-; a list is replaced whole.
        let untied = dir.path("untied.safetensors")
        let overridden = try NLPRunner.run(["train", "translate", "--config", recipe, "-o", untied, "--no-tie-embeddings",
                                            "--corpus", "\(Self.english),\(Self.german)"])
        XCTAssertEqual(overridden.status, 0, overridden.stderr)
        let untiedSettings = try provenance(of: untied)["settings"] as! [String: Any]
        XCTAssertEqual(untiedSettings["tie-embeddings"] as? Bool, false)
        XCTAssertEqual((untiedSettings["train"] as? [[String: Any]])?.map { $0["weight"] as? Double }, [1.0],
                       "one corpus of weight 1 from the command line, none from the recipe")
    }

    func testUnknownKeysBadValuesAndBadShapesNameTheRecipeLine() throws {
        let dir = try TemporaryDirectory()
        let model = dir.path("m.safetensors")
        func failure(_ extra: String) throws -> String {
            let path = try self.recipe(in: dir, extra: extra)
            let result = try NLPRunner.run(["train", "translate", "--config", path, "-o", model])
            XCTAssertNotEqual(result.status, 0, extra)
            XCTAssertFalse(FileManager.default.fileExists(atPath: model), "nothing written")
            return result.stderr
        }
        let recipe = dir.path("recipe.yaml")
        // The extra line is line 18 of the recipe.
        XCTAssertTrue(try failure("bogus-option: 3").contains("\(recipe):18: Unknown option '--bogus-option'"))
        XCTAssertTrue(try failure("lr: fast").contains("\(recipe):18: The value 'fast' is invalid for '--lr"))
        XCTAssertTrue(try failure("layers: 0").contains("\(recipe):18: --layers must be at least 1"))
        XCTAssertTrue(try failure("dropout:\n  rate: 0.3").contains("\(recipe):19: 'dropout' takes a value or a list, not a mapping"))
        XCTAssertTrue(try failure("merges: 100").contains("\(recipe):18: 'merges' is given twice (first on line 9)"))
        let invalid = try failure("lr: [1, 2")
        XCTAssertTrue(invalid.contains("\(recipe):") && invalid.contains("not valid YAML"), invalid)
        let badField = try dir.write("field.yaml", "corpus:\n  - source: a.en\n    language: de\n")
        let field = try NLPRunner.run(["train", "translate", "--config", badField, "-o", model])
        XCTAssertTrue(field.stderr.contains("\(badField):3: unknown field 'language'"), field.stderr)
        // An option the command line overrides is not the recipe's fault.
        _ = try self.recipe(in: dir)
        let fromCommandLine = try NLPRunner.run(["train", "translate", "--config", dir.path("recipe.yaml"), "-o", model,
                                                 "--epochs", "0"])
        XCTAssertNotEqual(fromCommandLine.status, 0)
        XCTAssertFalse(fromCommandLine.stderr.contains("recipe.yaml:"), fromCommandLine.stderr)
        // Nor is an option the usage text lists (--train) when the problem is another one.
        let tagger = try dir.write("tagger.yaml", "train: \(dir.path("none.conll"))\n")
        let usage = try NLPRunner.run(["train", "tagger", "--config", tagger, "-o", model, "--epochs", "0"])
        XCTAssertTrue(usage.stderr.hasPrefix("Error: --epochs must be at least 1"), usage.stderr)
        let missing = try NLPRunner.run(["train", "translate", "--config", dir.path("none.yaml"), "-o", model])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("none.yaml: cannot read the recipe"), missing.stderr)
    }
}
