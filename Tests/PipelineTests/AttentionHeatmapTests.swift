import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import NLPTestSupport
import Pipeline
import XCTest

final class AttentionHeatmapTests: XCTestCase {
    func testWellFormedSVGWithOneShadedCellPerWeight() throws {
        let heatmap = try AttentionHeatmap(sourceTokens: ["a", "dog", "runs"], targetTokens: ["ein", "Hund"],
                                           weights: [[1, 0, 0.5], [0.25, 0.75, 0]])
        let svg = heatmap.svg()
        XCTAssertTrue(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        let elements = try XCTUnwrap(XMLElements.parse(svg))
        XCTAssertEqual(elements.first?.name, "svg")
        let cells = elements.filter { $0.name == "rect" && $0.attributes["class"] == "cell" }
        XCTAssertEqual(cells.count, 6)
        // Row-major: target rows top to bottom, source columns left to right.
        let xs = cells.compactMap { $0.attributes["x"].flatMap(Double.init) }
        let ys = cells.compactMap { $0.attributes["y"].flatMap(Double.init) }
        XCTAssertEqual(xs.count, 6)
        XCTAssertEqual(ys.count, 6)
        XCTAssertTrue(xs[0] < xs[1] && xs[1] < xs[2] && xs[0] == xs[3] && xs[2] == xs[5], "\(xs)")
        XCTAssertTrue(ys[0] == ys[2] && ys[2] < ys[3] && ys[3] == ys[5], "\(ys)")
        XCTAssertEqual(cells.map { $0.attributes["fill"] }, ["#08306b", "#ffffff", "#8498b5", "#c1cbda", "#466490", "#ffffff"])
        let tips = elements.filter { $0.name == "title" }.map(\.text)
        XCTAssertEqual(tips, ["a → ein: 1.000", "dog → ein: 0.000", "runs → ein: 0.500",
                              "a → Hund: 0.250", "dog → Hund: 0.750", "runs → Hund: 0.000"])
        // The axis labels and the title, as text.
        let texts = elements.filter { $0.name == "text" }.map(\.text)
        XCTAssertEqual(texts, ["Attention", "ein", "Hund", "a", "dog", "runs", "1", "0"])
        // Every drawn thing fits in the picture.
        let width = try XCTUnwrap(elements[0].attributes["width"].flatMap(Double.init))
        let height = try XCTUnwrap(elements[0].attributes["height"].flatMap(Double.init))
        for cell in cells {
            XCTAssertLessThanOrEqual(Double(cell.attributes["x"]!)! + 28, width)
            XCTAssertLessThanOrEqual(Double(cell.attributes["y"]!)! + 28, height)
        }
        XCTAssertEqual(svg, heatmap.svg(), "the output depends only on the input")
    }

    func testTokensAndTitleAreEscaped() throws {
        let source = ["<unk>", "AT&T", "\"quoted\"", "it's", "a\u{1}b"]
        let target = ["</svg>", "x > y"]
        let weights: [[Float]] = [[0.2, 0.2, 0.2, 0.2, 0.2], [1, 0, 0, 0, 0]]
        let svg = try AttentionHeatmap(sourceTokens: source, targetTokens: target, weights: weights,
                                       title: "en → de <run 3> & more").svg()
        for raw in ["<unk>", "AT&T", "\"quoted\"", "</svg>\n<g", "x > y", "\u{1}"] {
            XCTAssertFalse(svg.contains(raw), "unescaped \(raw)")
        }
        for escaped in ["&lt;unk&gt;", "AT&amp;T", "&quot;quoted&quot;", "it&apos;s", "&lt;/svg&gt;", "x &gt; y", "a\u{FFFD}b"] {
            XCTAssertTrue(svg.contains(escaped), "missing \(escaped)")
        }
        // The parser gives the tokens back as they were (but the control character, not allowed in XML).
        let elements = try XCTUnwrap(XMLElements.parse(svg))
        let texts = elements.filter { $0.name == "text" }.map(\.text)
        XCTAssertEqual(texts, ["en → de <run 3> & more", "</svg>", "x > y", "<unk>", "AT&T", "\"quoted\"", "it's", "a\u{FFFD}b", "1", "0"])
        XCTAssertEqual(elements.filter { $0.attributes["class"] == "cell" }.count, 10)
        XCTAssertEqual(elements.filter { $0.name == "title" }.first?.text, "<unk> → </svg>: 0.200")
    }

    func testLongTokensAreShortenedOnTheAxisOnly() throws {
        let long = String(repeating: "x", count: 30)
        let elements = try XCTUnwrap(XMLElements.parse(
            try AttentionHeatmap(sourceTokens: [long], targetTokens: ["y"], weights: [[0.5]]).svg()))
        let texts = elements.filter { $0.name == "text" }.map(\.text)
        XCTAssertEqual(texts[2], String(repeating: "x", count: 23) + "…")
        XCTAssertEqual(elements.filter { $0.name == "title" }.map(\.text), ["\(long) → y: 0.500"])
    }

    func testWeightsOutsideTheScaleAreClampedInColourOnly() throws {
        let elements = try XCTUnwrap(XMLElements.parse(
            try AttentionHeatmap(sourceTokens: ["a", "b"], targetTokens: ["c"], weights: [[1.5, -0.25]]).svg()))
        let cells = elements.filter { $0.attributes["class"] == "cell" }
        XCTAssertEqual(cells.map { $0.attributes["fill"] }, ["#08306b", "#ffffff"])
        XCTAssertEqual(elements.filter { $0.name == "title" }.map(\.text), ["a → c: 1.500", "b → c: -0.250"])
    }

    func testShapesAreChecked() {
        func error(_ source: [String], _ target: [String], _ weights: [[Float]]) -> AttentionHeatmap.InputError? {
            do {
                _ = try AttentionHeatmap(sourceTokens: source, targetTokens: target, weights: weights)
                return nil
            } catch {
                return error
            }
        }
        XCTAssertEqual(error(["a", "b"], ["c"], [[0.5, 0.5], [0.5, 0.5]]), .rowCount(rows: 2, targetTokens: 1))
        XCTAssertEqual(error(["a", "b"], ["c", "d"], [[0.5, 0.5], [1]]), .rowLength(row: 1, count: 1, sourceTokens: 2))
        XCTAssertEqual(error([], ["c"], [[]]), .noSourceTokens)
        XCTAssertEqual(error(["a"], [], []), .noTargetTokens)
        XCTAssertEqual(error(["a", "b"], ["c"], [[0.5, .nan]]), .nonFiniteWeight(row: 0, column: 1))
        XCTAssertEqual(error(["a"], ["c"], [[.infinity]]), .nonFiniteWeight(row: 0, column: 0))
        XCTAssertNil(error(["a"], ["c"], [[0.5]]))
        XCTAssertEqual(AttentionHeatmap.InputError.rowLength(row: 1, count: 1, sourceTokens: 2).description,
                       "attention heatmap: row 1 has 1 weights for 2 source tokens (one per source token)")
    }
}
