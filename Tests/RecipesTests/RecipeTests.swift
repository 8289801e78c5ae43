import NLPTestSupport
import Pipeline
import Recipes
import XCTest

/// Reading recipes into command-line words; the command's use of them (overrides, errors naming
/// the recipe's line) is tested through the binary in `RecipeCommandTests`.
final class RecipeTests: XCTestCase {
    func testEntriesGiveTheCommandLineWordsOfTheirOptions() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("r.yaml", "merges: 8000\ntie-embeddings: false\ncorpus:\n  - a.en,a.de@2\n  - tsv: b.tsv\n")
        var recipe = try Recipe(path: path)
        XCTAssertEqual(recipe.entries.map(\.key), ["merges", "tie-embeddings", "corpus"])
        XCTAssertEqual(recipe.entries.map(\.line), [1, 2, 3])
        XCTAssertEqual(recipe.expand(before: ["--merges", "100", "-o", "m"]),
                       ["--no-tie-embeddings", "--corpus", "a.en,a.de@2", "--corpus", "b.tsv", "--merges", "100", "-o", "m"])
    }

    /// Found by FuzzRecipe: libyaml places a problem at the end of the text, and the empty value of
    /// a last key without one, on the line after the last, which the error named.
    func testAProblemAtTheEndOfTheFileNamesItsLastLine() throws {
        let folder = try TemporaryFolder()
        for (text, line, message) in [("merges: 8000\nepochs: 3\nbatch", 3, "not valid YAML"),
                                      ("merges: 8000\nepochs: [3\n", 2, "not valid YAML"),
                                      ("a: 1\rb: [2", 2, "not valid YAML"),
                                      ("# a comment\n? merges", 2, "'merges' has no value")] {
            let path = try folder.write("r.yaml", text)
            XCTAssertThrowsError(try Recipe(path: path), text.debugDescription) { error in
                guard let error = error as? DataError else { return XCTFail("\(type(of: error)): \(error)") }
                XCTAssertTrue(error.message.hasPrefix(message), error.message)
                XCTAssertEqual(error.line, line, "\(text.debugDescription): \(error)")
            }
        }
    }
}
