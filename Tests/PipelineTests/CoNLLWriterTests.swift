import Foundation
import Pipeline
import NLPTestSupport
import XCTest

final class CoNLLWriterTests: XCTestCase {
    private let conll = """
        -DOCSTART- -X- -X- O

        EU NNP B-NP B-ORG
        rejects VBZ B-VP O


        Peter NNP B-NP B-PER
        Blackburn NNP I-NP I-PER
        -DOCSTART- -X- -X- O

        BRUSSELS NNP B-NP B-LOC
        """

    func testWritesThePredictedColumnAfterTheOriginalOnes() throws {
        let folder = try TemporaryFolder()
        let sentences = try CoNLLReader(path: folder.write("gold.txt", conll)).readAll()
        let predicted = [["B-ORG", "B-MISC"], ["B-PER", "O"], ["B-LOC"]]
        let bytes = CoNLLWriter().write(sentences, predicted: predicted)
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), """
            -DOCSTART- -X- -X- O O

            EU NNP B-NP B-ORG B-ORG
            rejects VBZ B-VP O B-MISC

            Peter NNP B-NP B-PER B-PER
            Blackburn NNP I-NP I-PER O

            -DOCSTART- -X- -X- O O

            BRUSSELS NNP B-NP B-LOC B-LOC


            """)
    }

    /// Reading the written file gives the same sentences with one more column: the gold tags
    /// in the column before last, the predicted ones in the last.
    func testRoundTrip() throws {
        let folder = try TemporaryFolder()
        let sentences = try CoNLLReader(path: folder.write("gold.txt", conll)).readAll()
        let predicted = sentences.map { TagScheme.convert($0.tags, from: .iob2, to: .bioes) }
        var output: [UInt8] = []
        let writer = CoNLLWriter()
        for (sentence, tags) in zip(sentences, predicted) { writer.append(sentence, predicted: tags, to: &output) }
        let path = folder.path("predicted.txt")
        try Data(output).write(to: URL(fileURLWithPath: path))

        let reread = try CoNLLReader(path: path).readAll()
        XCTAssertEqual(reread.map(\.tags), predicted)
        XCTAssertEqual(reread.map { $0.rows.map { Array($0.dropLast()) } }, sentences.map(\.rows))
        XCTAssertEqual(reread.map { $0.documentStart?.dropLast().map { $0 } }, sentences.map(\.documentStart))
        let gold = try CoNLLReader(path: path, tagColumn: .index(3)).readAll()
        XCTAssertEqual(gold.map(\.tags), sentences.map(\.tags))
        XCTAssertEqual(gold.map(\.lineNumbers), [[3, 4], [6, 7], [11]])
    }

    func testTabSeparatedOutput() throws {
        let folder = try TemporaryFolder()
        let sentences = try CoNLLReader(path: folder.write("wnut.conll", "@paulwalk\tO\nLondon\tB-location\n")).readAll()
        let bytes = CoNLLWriter(separator: "\t").write(sentences, predicted: [["O", "B-person"]])
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "@paulwalk\tO\tO\nLondon\tB-location\tB-person\n\n")
    }
}
