import Tensor

/// Which training examples an epoch visits when they come from several corpora with sampling
/// weights. The examples lie corpus after corpus in one array; corpus c has n_c of them and
/// weight w_c ≥ 0. An epoch draws from corpus c
///
///     ⌊w_c⌋ copies of every example  +  a seeded random ⌊(w_c − ⌊w_c⌋) · n_c⌉ of them (without repeats)
///
/// so weight 2 oversamples a small in-domain corpus twice, weight 0.5 shows a different half of a
/// large one each epoch, and weight 1 is every example once. The random part is drawn from
/// (seed, epoch, corpus) alone, so a resumed run rebuilds the interrupted epoch exactly.
public struct CorpusMixture: Equatable, Sendable {
    /// Examples of each corpus, in array order.
    public var counts: [Int]
    public var weights: [Double]

    public init(counts: [Int], weights: [Double]) {
        precondition(counts.count == weights.count, "one weight per corpus")
        precondition(weights.allSatisfy { $0 >= 0 && $0.isFinite }, "weights are finite and not negative")
        self.counts = counts
        self.weights = weights
    }

    /// Examples corpus `corpus` gives to every epoch.
    public func draws(from corpus: Int) -> Int {
        let whole = weights[corpus].rounded(.down)
        return Int(whole) * counts[corpus] + Int(((weights[corpus] - whole) * Double(counts[corpus])).rounded())
    }

    /// True when every weight is 1: every epoch is every example once, in order.
    public var isUniform: Bool { weights.allSatisfy { $0 == 1 } }

    /// Indices into the example array for `epoch`: corpus by corpus, whole copies first, then the
    /// random part in ascending order. `BatchPlan` shuffles them.
    public func indices(seed: UInt64, epoch: Int) -> [Int] {
        var indices: [Int] = []
        indices.reserveCapacity((0..<counts.count).reduce(0) { $0 + draws(from: $1) })
        var start = 0
        for corpus in counts.indices {
            let range = start..<(start + counts[corpus])
            start = range.upperBound
            let whole = Int(weights[corpus].rounded(.down))
            for _ in 0..<whole { indices.append(contentsOf: range) }
            let extra = draws(from: corpus) - whole * counts[corpus]
            guard extra > 0 else { continue }
            var generator = SeededGenerator(seed: seed ^ 0x5A3F_11E5 ^ (UInt64(epoch + 1) &* 0x9E37_79B9_7F4A_7C15)
                                                ^ (UInt64(corpus + 1) &* 0xC2B2_AE3D_27D4_EB4F))
            var order = Array(range)
            order.shuffle(using: &generator)
            indices.append(contentsOf: order.prefix(extra).sorted())
        }
        return indices
    }
}
