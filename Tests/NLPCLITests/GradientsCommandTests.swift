import Foundation
import XCTest

final class GradientsCommandTests: XCTestCase {
    /// The table has a line per cell, --json the norms of every step, --svg a picture; a bad cell
    /// name or setting is an error naming the option, with nothing written.
    func testTablePictureJSONAndErrors() throws {
        let dir = try TemporaryDirectory()
        let svg = dir.path("g.svg")
        let table = try NLPRunner.run(["gradients", "--steps", "12", "--hidden", "8", "--samples", "2", "--svg", svg])
        XCTAssertEqual(table.status, 0, table.stderr)
        let lines = table.output.split(separator: "\n")
        XCTAssertEqual(lines.filter { $0.hasPrefix("rnn_tanh ") || $0.hasPrefix("lstm ") || $0.hasPrefix("gru ") }.count, 3, table.output)
        XCTAssertTrue(try String(contentsOfFile: svg, encoding: .utf8).contains("<polyline"))

        let json = try NLPRunner.run(["gradients", "--cell", "lstm", "--forget-bias", "2", "--steps", "12", "--hidden", "8", "--json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let cells = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]])
        XCTAssertEqual(cells.map { $0["cell"] as? String }, ["lstm"])
        let norms = try XCTUnwrap(cells[0]["norms"] as? [Double])
        XCTAssertEqual(norms.count, 12)
        XCTAssertEqual(cells[0]["ratio"] as? Double ?? .nan, norms[0] / norms[11], accuracy: 1e-9 * norms[0] / norms[11])

        let unknown = try NLPRunner.run(["gradients", "--cell", "lstm,transformer", "--svg", dir.path("no.svg")])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("--cell: 'transformer' is not a cell kind"), unknown.stderr)
        let short = try NLPRunner.run(["gradients", "--steps", "1"])
        XCTAssertNotEqual(short.status, 0)
        XCTAssertTrue(short.stderr.contains("--steps must be at least 2"), short.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("no.svg")))
    }
}
