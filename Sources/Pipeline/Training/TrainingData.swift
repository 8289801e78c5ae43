import FileIO
import Embedding
import Foundation
import Tensor
import Tokenize

/// Data steps several tasks' training takes before the loop: holding out a dev set, widening a
/// vocabulary with pretrained vectors' words. (The run's own start and end are `TrainingRun`'s.)
enum TrainingData {
    /// Holds out `fraction` of `items` (seeded, at least one) as a dev set; both keep file order.
    static func holdOut<T>(_ items: [T], fraction: Double, seed: UInt64, path: String,
                           progress: TrainingProgress, what: String,
                           devOption: String = "--dev") throws -> (train: [T], dev: [T]) {
        var generator = SeededGenerator(seed: seed ^ 0xDE5E7)
        var order = Array(items.indices)
        order.shuffle(using: &generator)
        let held = max(1, Int((Double(items.count) * fraction).rounded()))
        guard items.count > held else {
            throw DataError(path: path, "too few \(what) (\(items.count)) to hold out a dev set; give \(devOption)")
        }
        let devSet = Set(order.prefix(held))
        progress.line("no --dev file: holding out \(held) of \(items.count) training \(what) as dev")
        return (items.indices.filter { !devSet.contains($0) }.map { items[$0] }, devSet.sorted().map { items[$0] })
    }

    /// `vocabulary` with entries added for the first `count` words of a vectors file (the most
    /// frequent), as `key` maps them, so words the training data never shows keep their vectors.
    static func widen(_ vocabulary: Vocabulary, withLeadingWordsOf path: String, count: Int,
                      key: (String) -> String = { $0 }) throws -> Vocabulary {
        guard count > 0 else { return vocabulary }
        var seen = Set(vocabulary.tokens)
        let extra = try PretrainedVectors.leadingWords(inFile: path, count: count).map(key).filter {
            !$0.isEmpty && !$0.utf8.contains(9) && !$0.utf8.contains(10) && seen.insert($0).inserted
        }
        let specials = Vocabulary.specialTokens.count
        return Vocabulary(ordinaryTokens: vocabulary.tokens.dropFirst(specials) + extra,
                          counts: vocabulary.counts.dropFirst(specials) + Array(repeating: 0, count: extra.count))
    }
}
