import Foundation

/// Accuracy, per-class precision, recall and F1, and the confusion matrix of a classifier on
/// labelled examples:
///
///     precision_k = TP_k / (TP_k + FP_k)     recall_k = TP_k / (TP_k + FN_k)
///     F1_k = 2 · precision_k · recall_k / (precision_k + recall_k)       (0 where undefined)
///
/// `confusion[gold][predicted]` counts examples.
public struct ClassificationReport: Codable, Equatable, Sendable {
    public struct ClassScores: Codable, Equatable, Sendable {
        public var label: String
        public var precision: Double
        public var recall: Double
        public var f1: Double
        /// Gold examples of the class.
        public var support: Int
    }

    public var labels: [String]
    public var total: Int
    public var correct: Int
    public var accuracy: Double
    public var classes: [ClassScores]
    /// Unweighted mean of the per-class F1.
    public var macroF1: Double
    public var confusion: [[Int]]

    /// `gold` and `predicted` are class indices into `labels`.
    public init(labels: [String], gold: [Int], predicted: [Int]) {
        precondition(gold.count == predicted.count, "one prediction per example")
        let C = labels.count
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: C), count: C)
        for (g, p) in zip(gold, predicted) { confusion[g][p] += 1 }
        self.labels = labels
        self.total = gold.count
        self.correct = (0..<C).reduce(0) { $0 + confusion[$1][$1] }
        self.accuracy = total > 0 ? Double(correct) / Double(total) : 0
        self.confusion = confusion
        self.classes = (0..<C).map { k in
            let truePositives = Double(confusion[k][k])
            let predictedK = Double((0..<C).reduce(0) { $0 + confusion[$1][k] })
            let goldK = confusion[k].reduce(0, +)
            let precision = predictedK > 0 ? truePositives / predictedK : 0
            let recall = goldK > 0 ? truePositives / Double(goldK) : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            return ClassScores(label: labels[k], precision: precision, recall: recall, f1: f1, support: goldK)
        }
        self.macroF1 = C > 0 ? classes.reduce(0) { $0 + $1.f1 } / Double(C) : 0
    }

    /// "accuracy 84.20% (734/872)"
    public var accuracySummary: String {
        String(format: "accuracy %.2f%% (%d/%d)", 100 * accuracy, correct, total)
    }

    /// A plain-text table for people.
    public var text: String {
        var lines = [accuracySummary, String(format: "macro F1 %.2f%%", 100 * macroF1), ""]
        let width = max(5, labels.map(\.count).max() ?? 5)
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
        lines.append(pad("label", width) + "  precision  recall      f1  support")
        for c in classes {
            lines.append(pad(c.label, width) + String(format: "  %8.2f%%  %5.2f%%  %5.2f%%  %7d",
                                                       100 * c.precision, 100 * c.recall, 100 * c.f1, c.support))
        }
        lines.append("")
        lines.append("confusion (rows: gold, columns: predicted)")
        let cell = max(width, String(total).count + 1)
        lines.append(pad("", width) + labels.map { " " + pad($0, cell) }.joined())
        for (k, row) in confusion.enumerated() {
            lines.append(pad(labels[k], width) + row.map { " " + pad(String($0), cell) }.joined())
        }
        return lines.joined(separator: "\n")
    }
}
