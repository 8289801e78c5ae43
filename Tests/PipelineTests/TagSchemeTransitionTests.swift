import Pipeline
import XCTest

final class TagSchemeTransitionTests: XCTestCase {
    private let iobTags = ["O", "B-A", "I-A", "B-B", "I-B"]
    private let bioesTags = ["O", "B-A", "I-A", "E-A", "S-A", "B-B", "I-B", "E-B", "S-B"]

    /// The allowed pairs written out, as a string per row: "1" allowed, "." forbidden.
    private func rows(_ tags: [String], _ scheme: TagScheme) -> [String] {
        TagScheme.allowedTransitions(tags: tags, scheme: scheme).transitions.map { $0.map { $0 ? "1" : "." }.joined() }
    }

    func testIOB2Masks() {
        let masks = TagScheme.allowedTransitions(tags: iobTags, scheme: .iob2)
        XCTAssertEqual(masks.start, [true, true, false, true, false])
        XCTAssertEqual(masks.end, [true, true, true, true, true])
        //                          O  B-A I-A B-B I-B   (to)
        XCTAssertEqual(rows(iobTags, .iob2), ["11.1.",   // O
                                              "1111.",   // B-A
                                              "1111.",   // I-A
                                              "11.11",   // B-B
                                              "11.11"])  // I-B
    }

    func testIOB1Masks() {
        let masks = TagScheme.allowedTransitions(tags: iobTags, scheme: .iob1)
        XCTAssertEqual(masks.start, [true, false, true, false, true])
        XCTAssertEqual(masks.end, [true, true, true, true, true])
        //                          O  B-A I-A B-B I-B   (to)
        XCTAssertEqual(rows(iobTags, .iob1), ["1.1.1",   // O: never B-
                                              "111.1",   // B-A
                                              "111.1",   // I-A
                                              "1.111",   // B-B
                                              "1.111"])  // I-B
    }

    func testBIOESMasks() {
        let masks = TagScheme.allowedTransitions(tags: bioesTags, scheme: .bioes)
        XCTAssertEqual(masks.start, [true, true, false, false, true, true, false, false, true])
        XCTAssertEqual(masks.end, [true, false, false, true, true, false, false, true, true])
        //                            O  B-A I-A E-A S-A B-B I-B E-B S-B
        //                            O  B-A I-A E-A S-A B-B I-B E-B S-B   (to)
        XCTAssertEqual(rows(bioesTags, .bioes), ["11..11..1",   // O
                                                 "..11.....",   // B-A
                                                 "..11.....",   // I-A
                                                 "11..11..1",   // E-A
                                                 "11..11..1",   // S-A
                                                 "......11.",   // B-B
                                                 "......11.",   // I-B
                                                 "11..11..1",   // E-B
                                                 "11..11..1"])  // S-B
    }

    /// Tags of no scheme (or of another scheme) are allowed nowhere.
    func testTagsOfAnotherSchemeAreForbiddenEverywhere() {
        let tags = ["O", "B-A", "S-A", "<pad>", "B", "I-", "ORG", "I-A"]
        let masks = TagScheme.allowedTransitions(tags: tags, scheme: .iob2)
        for bad in [2, 3, 4, 5, 6] {
            XCTAssertFalse(masks.start[bad], tags[bad])
            XCTAssertFalse(masks.end[bad], tags[bad])
            XCTAssertFalse(masks.transitions[bad].contains(true), tags[bad])
            XCTAssertFalse(masks.transitions.contains { $0[bad] }, tags[bad])
        }
        XCTAssertTrue(masks.transitions[1][7], "B-A -> I-A")
        let bioes = TagScheme.allowedTransitions(tags: tags, scheme: .bioes)
        XCTAssertTrue(bioes.start[2], "S-A is of BIOES")
        XCTAssertTrue(bioes.transitions[2][1], "S-A -> B-A")
    }

    /// The masks accept a sequence exactly when converting it to entities and back gives it
    /// unchanged: every sequence of up to 4 tags, in every scheme.
    func testMasksAcceptExactlyTheSequencesThatRoundTrip() {
        let cases: [(TagScheme, [String])] = [(.iob1, iobTags), (.iob2, iobTags), (.bioes, bioesTags)]
        for (scheme, tags) in cases {
            var valid = 0, total = 0
            for length in 0...4 {
                for sequence in allSequences(of: tags, length: length) {
                    let roundTrips = TagScheme.convert(sequence, from: scheme, to: scheme) == sequence
                    XCTAssertEqual(isValid(sequence, scheme, tags: tags), roundTrips, "\(scheme): \(sequence)")
                    if roundTrips { valid += 1 }
                    total += 1
                }
            }
            // Each scheme writes every segmentation into typed entities one way: as many valid
            // sequences as valid IOB2 ones over O and two types (see TagSchemeTests).
            XCTAssertEqual(valid, 1 + 3 + 11 + 41 + 153, "\(scheme)")
            XCTAssertEqual(total, (0...4).reduce(0) { $0 + Int(pow(Double(tags.count), Double($1))) })
        }
    }
}
