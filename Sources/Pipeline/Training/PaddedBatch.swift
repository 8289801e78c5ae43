import Tokenize

/// Sequences of ids laid out time-major and right-padded, as the recurrent layers read them:
/// `ids[t·B + b]` is token t of sequence b, `<pad>` (0) past `lengths[b]`.
public struct PaddedBatch: Equatable, Sendable {
    /// (T·B)
    public let ids: [Int]
    /// (B)
    public let lengths: [Int]

    public var batchSize: Int { lengths.count }
    public var steps: Int { ids.count / max(lengths.count, 1) }

    /// - Precondition: at least one sequence; every sequence has at least one id.
    public init(_ sequences: [[Int]]) {
        precondition(!sequences.isEmpty && sequences.allSatisfy { !$0.isEmpty }, "empty batch or sequence")
        let B = sequences.count, T = sequences.map(\.count).max()!
        var ids = [Int](repeating: Vocabulary.paddingID, count: T * B)
        for (b, sequence) in sequences.enumerated() {
            for (t, id) in sequence.enumerated() { ids[t * B + b] = id }
        }
        self.ids = ids
        self.lengths = sequences.map(\.count)
    }
}
