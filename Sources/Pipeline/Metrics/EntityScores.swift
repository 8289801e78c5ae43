import Foundation

/// Entity-level precision, recall and F1 of predicted tag sequences against gold ones: an
/// entity counts as correct only when a gold entity has exactly its type, first and last token.
/// The numbers are seqeval's (`classification_report`, `f1_score`, default mode) and
/// conlleval's:
///
///     precision = correct / predicted      recall = correct / gold      (0 when undefined)
///     F1 = 2 · precision · recall / (precision + recall)                 (0 when undefined)
///
/// per type, and overall from the summed counts (micro average: the number papers report as
/// "entity F1"). Entities are read by `TagScheme.entities(in:scheme:)`'s rules over all
/// sentences in turn, each one closed by an `O`, as seqeval does; F1 is computed from precision
/// and recall, in seqeval's order of operations, so the values are equal to the last bit. The
/// macro average (unweighted mean over types) and the support-weighted average complete
/// seqeval's report; they may differ from numpy's sums in the last bit.
public struct EntityScores: Codable, Equatable, Sendable {
    /// Scores of one entity type, or of all types together.
    public struct Scores: Codable, Equatable, Sendable {
        public var precision: Double
        public var recall: Double
        public var f1: Double
        /// Gold entities.
        public var support: Int
        /// Predicted entities.
        public var predicted: Int
        /// Predicted entities that are gold entities.
        public var correct: Int

        /// The scores of these counts.
        public init(support: Int, predicted: Int, correct: Int) {
            precondition(0 <= correct && correct <= min(support, predicted))
            self.support = support
            self.predicted = predicted
            self.correct = correct
            precision = predicted > 0 ? Double(correct) / Double(predicted) : 0
            recall = support > 0 ? Double(correct) / Double(support) : 0
            let denominator = precision + recall
            f1 = denominator > 0 ? 2 * precision * recall / denominator : 0
        }
    }

    /// An average of the per-type scores.
    public struct Average: Codable, Equatable, Sendable {
        public var precision: Double
        public var recall: Double
        public var f1: Double
        /// Gold entities of all types.
        public var support: Int
    }

    /// The scheme of the sequences scored (recorded; the rules of reading entities are the same
    /// for every scheme).
    public var scheme: TagScheme
    /// All types together (micro average).
    public var overall: Scores
    /// Each type that occurs in the gold or the predicted entities.
    public var perType: [String: Scores]
    /// The unweighted mean of the per-type precisions, recalls and F1s (0 without types).
    public var macro: Average
    /// The mean of the per-type scores weighted by their support (0 without gold entities).
    public var weighted: Average

    /// Scores `predicted` against `gold`: one sequence of tags per sentence, of equal lengths.
    public init(gold: [[String]], predicted: [[String]], scheme: TagScheme) {
        precondition(gold.count == predicted.count,
                     "\(predicted.count) predicted sentences for \(gold.count) gold ones")
        for (g, p) in zip(gold, predicted) {
            precondition(g.count == p.count, "\(p.count) predicted tags for a gold sentence of \(g.count)")
        }
        let goldEntities = Self.entities(gold), predictedEntities = Self.entities(predicted)
        var counts: [String: (support: Int, predicted: Int, correct: Int)] = [:]
        for entity in goldEntities { counts[entity.type, default: (0, 0, 0)].support += 1 }
        for entity in predictedEntities {
            counts[entity.type, default: (0, 0, 0)].predicted += 1
            if goldEntities.contains(entity) { counts[entity.type]!.correct += 1 }
        }
        let perType = counts.mapValues { Scores(support: $0.support, predicted: $0.predicted, correct: $0.correct) }
        let overall = Scores(support: goldEntities.count, predicted: predictedEntities.count,
                             correct: counts.values.reduce(0) { $0 + $1.correct })
        let rows = Self.sortedTypes(perType.keys).map { perType[$0]! }
        func mean(_ value: (Scores) -> Double) -> Double {
            rows.isEmpty ? 0 : rows.reduce(0) { $0 + value($1) } / Double(rows.count)
        }
        func weightedMean(_ value: (Scores) -> Double) -> Double {
            overall.support == 0 ? 0 : rows.reduce(0) { $0 + value($1) * Double($1.support) } / Double(overall.support)
        }
        self.scheme = scheme
        self.perType = perType
        self.overall = overall
        self.macro = Average(precision: mean(\.precision), recall: mean(\.recall), f1: mean(\.f1), support: overall.support)
        self.weighted = Average(precision: weightedMean(\.precision), recall: weightedMean(\.recall),
                                f1: weightedMean(\.f1), support: overall.support)
    }

    /// The entity types, sorted by Unicode scalar values (as Python sorts them).
    public var types: [String] { Self.sortedTypes(perType.keys) }

    /// "entity F1 91.23% (precision 90.80%, recall 91.66%; 5648 gold, 5701 predicted, 5177 correct)"
    public var summary: String {
        String(format: "entity F1 %.2f%% (precision %.2f%%, recall %.2f%%; %ld gold, %ld predicted, %ld correct)",
               100 * overall.f1, 100 * overall.precision, 100 * overall.recall,
               overall.support, overall.predicted, overall.correct)
    }

    /// A plain-text table, character for character seqeval's `classification_report(gold,
    /// predicted, digits: digits)`: one row per type, then the micro, macro and weighted averages.
    public func text(digits: Int = 2) -> String {
        precondition(digits >= 0)
        let names = types
        let width = max(names.map(\.unicodeScalars.count).max() ?? 0, "weighted avg".count, digits)
        func pad(_ s: String, _ n: Int) -> String {
            let length = s.unicodeScalars.count
            return length >= n ? s : String(repeating: " ", count: n - length) + s
        }
        func row(_ name: String, _ p: Double, _ r: Double, _ f: Double, _ support: Int) -> String {
            pad(name, width) + " " + [p, r, f].map { " " + pad(String(format: "%.\(digits)f", $0), 9) }.joined()
                + " " + pad(String(support), 9)
        }
        var lines = [pad("", width) + " " + ["precision", "recall", "f1-score", "support"].map { " " + pad($0, 9) }.joined(), ""]
        for name in names {
            let s = perType[name]!
            lines.append(row(name, s.precision, s.recall, s.f1, s.support))
        }
        lines.append("")
        lines.append(row("micro avg", overall.precision, overall.recall, overall.f1, overall.support))
        lines.append(row("macro avg", macro.precision, macro.recall, macro.f1, macro.support))
        lines.append(row("weighted avg", weighted.precision, weighted.recall, weighted.f1, weighted.support))
        lines.append("")
        return lines.joined(separator: "\n")
    }

    /// The entities of all sentences, numbered through as if the sentences were one sequence
    /// with an `O` between them (seqeval's reading of a list of sentences).
    private static func entities(_ sentences: [[String]]) -> Set<EntitySpan> {
        var chunker = EntityChunker()
        var entities = Set<EntitySpan>()
        var offset = 0
        for tags in sentences {
            for tag in tags {
                if let entity = chunker.feed(tag, at: offset) { entities.insert(entity) }
                offset += 1
            }
            if let entity = chunker.finish(at: offset) { entities.insert(entity) }
            offset += 1
        }
        return entities
    }

    private static func sortedTypes(_ types: some Sequence<String>) -> [String] {
        types.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }
}
