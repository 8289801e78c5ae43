/// An n-gram packed into 128 bits, compared without any allocation: up to four 32-bit token ids
/// (BLEU) or up to six Unicode scalars of 21 bits each (chrF). The order is not part of the value,
/// so only n-grams of one order are ever compared with each other.
struct PackedNGram: Hashable {
    var high: UInt64 = 0
    var low: UInt64 = 0

    /// At most four ids.
    init(ids: ArraySlice<UInt32>) {
        precondition(ids.count <= 4)
        for (k, id) in ids.enumerated() {
            if k < 2 { high |= UInt64(id) << (32 * UInt64(k)) } else { low |= UInt64(id) << (32 * UInt64(k - 2)) }
        }
    }

    /// At most six scalars (every scalar value is below 2^21).
    init(scalars: ArraySlice<Unicode.Scalar>) {
        precondition(scalars.count <= 6)
        for (k, scalar) in scalars.enumerated() {
            let value = UInt64(scalar.value)
            if k < 3 { high |= value << (21 * UInt64(k)) } else { low |= value << (21 * UInt64(k - 3)) }
        }
    }

    /// Clipped matches of two n-gram sequences of the same order, Σ_g min(count_hyp(g), count_ref(g))
    /// over the distinct hypothesis n-grams g: both sides sorted, then merged (for sentence-sized
    /// inputs several times faster than counting in a dictionary).
    static func clippedMatches(hypothesis: some Sequence<PackedNGram>, reference: some Sequence<PackedNGram>) -> Int {
        let h = hypothesis.sorted(), r = reference.sorted()
        var i = 0, j = 0, matches = 0
        while i < h.count && j < r.count {
            if h[i] == r[j] {
                matches += 1
                i += 1
                j += 1
            } else if h[i] < r[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return matches
    }
}

extension PackedNGram: Comparable {
    static func < (a: PackedNGram, b: PackedNGram) -> Bool {
        a.high != b.high ? a.high < b.high : a.low < b.low
    }
}
