import Pipeline
import XCTest

final class TagSchemeTests: XCTestCase {
    private func tags(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }

    private func entities(_ text: String, _ scheme: TagScheme = .iob2) -> [String] {
        TagScheme.entities(in: tags(text), scheme: scheme).map(\.description)
    }

    func testEntitiesOfValidSequencesInEachScheme() {
        XCTAssertEqual(entities("B-PER I-PER O B-LOC", .iob2), ["PER 0..<2", "LOC 3..<4"])
        XCTAssertEqual(entities("I-PER I-PER O I-LOC B-LOC", .iob1), ["PER 0..<2", "LOC 3..<4", "LOC 4..<5"])
        XCTAssertEqual(entities("B-PER E-PER O S-LOC B-ORG I-ORG E-ORG", .bioes), ["PER 0..<2", "LOC 3..<4", "ORG 4..<7"])
        XCTAssertEqual(entities("B-creative-work I-creative-work O"), ["creative-work 0..<2"])
        XCTAssertEqual(entities("O O"), [])
        XCTAssertEqual(entities(""), [])
    }

    /// The conlleval / seqeval default-mode repairs of invalid sequences.
    func testEntitiesOfInvalidSequencesAreReadAsConllevalReadsThem() {
        XCTAssertEqual(entities("O I-PER I-PER"), ["PER 1..<3"], "I- after O starts an entity")
        XCTAssertEqual(entities("I-PER O"), ["PER 0..<1"], "I- at the start starts an entity")
        XCTAssertEqual(entities("B-PER I-ORG I-ORG"), ["PER 0..<1", "ORG 1..<3"], "a type switch splits the span")
        XCTAssertEqual(entities("B-PER I-PER B-PER"), ["PER 0..<2", "PER 2..<3"], "B- after I- of the same type")
        XCTAssertEqual(entities("B-LOC B-LOC"), ["LOC 0..<1", "LOC 1..<2"])
        XCTAssertEqual(entities("B-PER", .bioes), ["PER 0..<1"], "B- without E- is still an entity")
        XCTAssertEqual(entities("B-PER E-PER E-PER", .bioes), ["PER 0..<2", "PER 2..<3"], "E- after E- starts one")
        XCTAssertEqual(entities("S-PER I-PER", .bioes), ["PER 0..<1", "PER 1..<2"])
        XCTAssertEqual(entities("B-A I-A I-A", .bioes), ["A 0..<3"], "an entity may end on I-")
    }

    func testTheSchemeArgumentDoesNotChangeTheEntities() {
        let sequences = ["I-A B-A I-A O", "B-A E-A S-B I-B", "O I-A B-B E-A S-A", "B I O I E S"]
        for sequence in sequences {
            let iob2 = entities(sequence, .iob2)
            XCTAssertEqual(entities(sequence, .iob1), iob2, sequence)
            XCTAssertEqual(entities(sequence, .bioes), iob2, sequence)
        }
    }

    /// The same entities in the three schemes; every conversion between them is exact.
    func testConversionBetweenEverySchemePair() {
        let written: [TagScheme: [String]] = [
            .iob2: tags("B-PER I-PER O B-LOC B-LOC I-LOC O B-ORG B-PER I-PER I-PER B-MISC"),
            .iob1: tags("I-PER I-PER O I-LOC B-LOC I-LOC O I-ORG I-PER I-PER I-PER I-MISC"),
            .bioes: tags("B-PER E-PER O S-LOC B-LOC E-LOC O S-ORG B-PER I-PER E-PER S-MISC"),
        ]
        for from in TagScheme.allCases {
            for to in TagScheme.allCases {
                XCTAssertEqual(TagScheme.convert(written[from]!, from: from, to: to), written[to]!, "\(from) -> \(to)")
            }
        }
        let iob2 = written[.iob2]!
        let roundTrip = TagScheme.convert(TagScheme.convert(TagScheme.convert(iob2, from: .iob2, to: .bioes),
                                                            from: .bioes, to: .iob1), from: .iob1, to: .iob2)
        XCTAssertEqual(roundTrip, iob2)
    }

    func testConversionRepairsInvalidSequences() {
        XCTAssertEqual(TagScheme.convert(tags("O I-PER I-PER"), from: .iob2, to: .iob2), tags("O B-PER I-PER"))
        XCTAssertEqual(TagScheme.convert(tags("B-PER O"), from: .bioes, to: .bioes), tags("S-PER O"))
        XCTAssertEqual(TagScheme.convert(tags("B-LOC"), from: .iob1, to: .iob1), tags("I-LOC"))
        XCTAssertEqual(TagScheme.convert(tags("B-PER I-ORG"), from: .iob2, to: .bioes), tags("S-PER S-ORG"))
        XCTAssertEqual(TagScheme.convert([], from: .iob2, to: .bioes), [])
    }

    func testTagsForEntities() {
        let spans = [EntitySpan(type: "A", start: 0, end: 1), EntitySpan(type: "A", start: 1, end: 3),
                     EntitySpan(type: "B", start: 3, end: 4)]
        XCTAssertEqual(TagScheme.tags(for: spans, count: 5, scheme: .iob1), tags("I-A B-A I-A I-B O"))
        XCTAssertEqual(TagScheme.tags(for: spans, count: 5, scheme: .iob2), tags("B-A B-A I-A B-B O"))
        XCTAssertEqual(TagScheme.tags(for: spans, count: 5, scheme: .bioes), tags("S-A B-A E-A S-B O"))
    }

    /// Every IOB2 sequence of up to 5 tokens over two types that is valid converts to BIOES and
    /// IOB1 sequences that are valid there, and back to itself.
    func testExhaustiveRoundTripsOfValidSequences() {
        let iob2Tags = ["O", "B-A", "I-A", "B-B", "I-B"]
        var checked = 0
        for length in 0...5 {
            for sequence in allSequences(of: iob2Tags, length: length) where isValid(sequence, .iob2, tags: iob2Tags) {
                let bioes = TagScheme.convert(sequence, from: .iob2, to: .bioes)
                let iob1 = TagScheme.convert(bioes, from: .bioes, to: .iob1)
                XCTAssertTrue(isValid(bioes, .bioes, tags: ["O", "B-A", "I-A", "E-A", "S-A", "B-B", "I-B", "E-B", "S-B"]), "\(bioes)")
                XCTAssertTrue(isValid(iob1, .iob1, tags: iob2Tags), "\(iob1)")
                XCTAssertEqual(TagScheme.convert(iob1, from: .iob1, to: .iob2), sequence)
                XCTAssertEqual(TagScheme.convert(iob1, from: .iob1, to: .bioes), bioes)
                XCTAssertEqual(TagScheme.entities(in: bioes, scheme: .bioes), TagScheme.entities(in: sequence, scheme: .iob2))
                checked += 1
            }
        }
        // Valid IOB2 sequences of length n over O and two types: O_n = total_{n-1}, A_n = B_n = O_{n-1} + 2 A_{n-1} + B_{n-1}.
        XCTAssertEqual(checked, 1 + 3 + 11 + 41 + 153 + 571)
    }

    func testDetect() {
        XCTAssertEqual(TagScheme.detect([tags("B-PER I-PER O"), tags("O B-LOC")]), .iob2)
        XCTAssertEqual(TagScheme.detect([tags("O O"), []]), .iob2, "no entities")
        XCTAssertEqual(TagScheme.detect([tags("B-PER I-PER O"), tags("O I-LOC")]), .iob1, "I- after O")
        XCTAssertEqual(TagScheme.detect([tags("I-PER O")]), .iob1, "I- at the start")
        XCTAssertEqual(TagScheme.detect([tags("B-PER I-LOC")]), .iob1, "I- after another type")
        XCTAssertEqual(TagScheme.detect([tags("I-PER B-PER")]), .iob1)
        XCTAssertEqual(TagScheme.detect([tags("O I-PER"), tags("B-PER E-PER")]), .bioes, "E- wins over I- starts")
        XCTAssertEqual(TagScheme.detect([tags("S-PER")]), .bioes)
    }

    func testSchemeNamesAreStable() throws {
        XCTAssertEqual(TagScheme.allCases.map(\.rawValue), ["iob1", "iob2", "bioes"])
        let data = try JSONEncoder().encode([TagScheme.bioes])
        XCTAssertEqual(String(decoding: data, as: UTF8.self), "[\"bioes\"]")
    }
}

/// All `tags.count^length` sequences of `length` tags.
func allSequences(of tags: [String], length: Int) -> [[String]] {
    var sequences: [[String]] = [[]]
    for _ in 0..<length {
        sequences = sequences.flatMap { prefix in tags.map { prefix + [$0] } }
    }
    return sequences
}

/// Whether `sequence` satisfies `TagScheme.allowedTransitions` for the tag set `tags`.
func isValid(_ sequence: [String], _ scheme: TagScheme, tags: [String]) -> Bool {
    let masks = TagScheme.allowedTransitions(tags: tags, scheme: scheme)
    let ids = sequence.map { tags.firstIndex(of: $0)! }
    guard let first = ids.first, let last = ids.last else { return true }
    return masks.start[first] && masks.end[last] && zip(ids, ids.dropFirst()).allSatisfy { masks.transitions[$0][$1] }
}
