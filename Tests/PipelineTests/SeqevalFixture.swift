import Foundation
import Pipeline

/// `Fixtures/seqeval.json`, written by `Scripts/reference/make_seqeval_fixture.py` (see its
/// docstring for the layout): seqeval's entities and scores on a fixed sample.
struct SeqevalFixture: Decodable {
    /// seqeval's `(type, start, end)` with `end` inclusive.
    struct Entity: Decodable {
        var type: String
        var start: Int
        var last: Int

        init(from decoder: Decoder) throws {
            var values = try decoder.unkeyedContainer()
            type = try values.decode(String.self)
            start = try values.decode(Int.self)
            last = try values.decode(Int.self)
        }

        var span: EntitySpan { EntitySpan(type: type, start: start, end: last + 1) }
    }

    struct EntityCase: Decodable {
        var tags: [String]
        var entities: [Entity]
    }

    struct Row: Decodable {
        var precision: Double
        var recall: Double
        var f1: Double
        var support: Int
        var predicted: Int?
        var correct: Int?
    }

    struct Counts: Decodable {
        var gold: Int
        var predicted: Int
        var correct: Int
    }

    struct ScoreCase: Decodable {
        var name: String
        var scheme: TagScheme
        var gold: [[String]]
        var predicted: [[String]]
        var counts: Counts
        var perType: [String: Row]
        var micro: Row
        /// Nil where seqeval's is NaN (no entity types at all).
        var macro: Row?
        var weighted: Row
        var precisionScore: Double
        var recallScore: Double
        var f1Score: Double
        /// Nil where seqeval's report fails (no entity types at all).
        var reportDigits2: String?
        var reportDigits4: String?
    }

    var seqevalVersion: String
    var entities: [EntityCase]
    var scores: [ScoreCase]

    static func load() throws -> SeqevalFixture {
        guard let url = Bundle.module.url(forResource: "seqeval", withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Fixtures/seqeval.json"])
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(SeqevalFixture.self, from: Data(contentsOf: url))
    }
}
