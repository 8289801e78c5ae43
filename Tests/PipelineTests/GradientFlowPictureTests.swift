import NLPTestSupport
import Pipeline
import XCTest

final class GradientFlowPictureTests: XCTestCase {
    /// One polyline per series with a point per step, a grid line per power of ten from the smallest
    /// norm to the largest, the ratio in each legend entry, escaped labels; underflow on the bottom
    /// edge, overflow on the top.
    func testWellFormedWithALinePerSeriesOnALogScale() throws {
        let picture = GradientFlowPicture(series: [
            .init(label: "rnn<tanh>", norms: [1e-6, 1e-3, 1]),
            .init(label: "lstm & co", norms: [0.5, 0.8, 1]),
            .init(label: "edges", norms: [0, .infinity, 1]),
        ], title: "test")
        let svg = picture.svg()
        let elements = try XCTUnwrap(XMLElements.parse(svg))
        let lines = elements.filter { $0.name == "polyline" }
        XCTAssertEqual(lines.count, 3)
        let points = lines.map { $0.attributes["points"]!.split(separator: " ").map { $0.split(separator: ",").map { Double($0)! } } }
        XCTAssertEqual(points.map(\.count), [3, 3, 3])
        XCTAssertEqual(points[0][0][1] - points[0][1][1], points[0][1][1] - points[0][2][1], accuracy: 0.2,
                       "equal factors, equal distances: a log scale")
        XCTAssertEqual(points[2][0][1], points[0][0][1], accuracy: 0.1, "0 on the bottom edge (1e-6 is the lowest decade)")
        XCTAssertEqual(points[2][1][1], points[0][2][1], accuracy: 0.1, "∞ on the top edge (where 1, the top decade, is)")
        let gridLabels = elements.filter { $0.name == "text" && $0.text.hasPrefix("1e") }.map(\.text)
        XCTAssertEqual(gridLabels, ["1e-6", "1e-5", "1e-4", "1e-3", "1e-2", "1e-1", "1e0"])
        let legend = elements.filter { $0.name == "text" && $0.attributes["class"] == "legend" }.map(\.text)
        XCTAssertEqual(legend, ["rnn<tanh>: ‖∂L/∂h_0‖ / ‖∂L/∂h_2‖ = 1.0e-6", "lstm & co: ‖∂L/∂h_0‖ / ‖∂L/∂h_2‖ = 5.0e-1",
                                "edges: ‖∂L/∂h_0‖ / ‖∂L/∂h_2‖ = 0"])
        XCTAssertEqual(svg, picture.svg(), "deterministic")
    }
}
