import Pipeline
import Seq2Seq
import Tokenize
import XCTest

final class TokenizeStageTests: XCTestCase {
    func testNormalizesAndTokenizesWithOffsetsIntoTheOriginal() {
        let stage = TokenizeStage(normalize: NormalizeStage(form: .nfc, caseMapping: .lowercase))
        let text = "Loved Café Noir!"
        let tokens = stage.tokens(of: text)
        XCTAssertEqual(tokens.map(\.text), ["loved", "café", "noir", "!"])
        let bytes = Array(text.utf8)
        XCTAssertEqual(tokens.map { String(decoding: bytes[$0.range], as: UTF8.self) }, ["Loved", "Café", "Noir", "!"])
    }

    func testSplitsEnglishContractionsAsThePennTreebank() {
        let stage = TokenizeStage(normalize: NormalizeStage(caseMapping: .lowercase), splitContractions: true)
        XCTAssertEqual(stage("Don't say it's bad, we’ll see. Can't won't I'm 's"),
                       ["do", "n't", "say", "it", "'s", "bad", ",", "we", "’ll", "see", ".", "ca", "n't", "wo", "n't",
                        "i", "'m", "'s"].map { $0 == "’ll" ? "'ll" : $0 })
        let text = "We’ll go"
        let tokens = stage.tokens(of: text)
        let bytes = Array(text.utf8)
        XCTAssertEqual(tokens.map { String(decoding: bytes[$0.range], as: UTF8.self) }, ["We", "’ll", "go"])
        // Already split text (SST, CoNLL) is unchanged.
        XCTAssertEqual(stage("it 's a do n't"), ["it", "'s", "a", "do", "n't"])
        XCTAssertEqual(TokenizeStage(normalize: NormalizeStage(caseMapping: .lowercase))("don't"), ["don't"])
    }

    func testWhitespaceTokenizerKeepsPretokenizedText() {
        let stage = TokenizeStage(method: .whitespace, normalize: NormalizeStage(caseMapping: .lowercase))
        XCTAssertEqual(stage("  -LRB- U.S.  stocks\tfall "), ["-lrb-", "u.s.", "stocks", "fall"])
        XCTAssertEqual(stage.tokens(of: "a  bc").map(\.range), [0..<1, 3..<5])
    }

    func testStagesCompose() {
        let vocabulary = Vocabulary(ordinaryTokens: ["good", "film"], counts: [2, 1])
        let pipeline = TokenizeStage(normalize: NormalizeStage(caseMapping: .lowercase)).then(EncodeStage(vocabulary: vocabulary))
        XCTAssertEqual(pipeline("Good film, bad"), [4, 5, Vocabulary.unknownID, Vocabulary.unknownID])
    }

    /// Word dropout in the networks replaces ids by the vocabulary's `<unk>` and leaves its `<pad>`.
    func testWordDropoutUsesTheVocabularysSpecialIDs() {
        XCTAssertEqual(WordDropout.unknownID, Vocabulary.unknownID)
        XCTAssertEqual(WordDropout.paddingID, Vocabulary.paddingID)
    }
}
