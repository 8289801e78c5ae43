import Foundation

/// `Fixtures/sacrebleu.json`, written by `Scripts/fixtures/sacrebleu_fixtures.py` (see its docstring
/// for the layout): sacreBLEU's 13a tokenization, corpus BLEU and corpus chrF on fixed cases.
struct SacreBLEUFixture: Decodable {
    struct TokenizerCase: Decodable {
        var input: String
        /// `Tokenizer13a()(input)`.
        var tokenized: String
        /// `Tokenizer13a()(input.rstrip())`, what BLEU counts.
        var bleuPreprocessed: String
    }

    struct BLEU: Decodable {
        var score: Double
        var precisions: [Double]
        var bp: Double
        var ratio: Double
        var sysLen: Int
        var refLen: Int
        var counts: [Int]
        var totals: [Int]
        /// `str(BLEUScore)`.
        var formatted: String
    }

    struct ChrF: Decodable {
        var score: Double
        /// [hyp, ref, match] for each character order 1...6.
        var statistics: [Int]
        /// `str(CHRFScore)`.
        var formatted: String
    }

    struct Case: Decodable {
        var name: String
        var hypotheses: [String]
        var references: [String]
        var bleu: BLEU
        var chrf: ChrF
    }

    var sacrebleuVersion: String
    var pythonVersion: String
    var tokenizer: [TokenizerCase]
    var cases: [Case]

    static func load() throws -> SacreBLEUFixture {
        guard let url = Bundle.module.url(forResource: "sacrebleu", withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Fixtures/sacrebleu.json"])
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(SacreBLEUFixture.self, from: Data(contentsOf: url))
    }
}
