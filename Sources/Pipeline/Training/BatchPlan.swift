import Tensor

/// The order in which one epoch visits the training examples: shuffled, then grouped into batches
/// of similar length so that little of each batch is padding.
///
/// For epoch e the plan is drawn from a generator seeded by (seed, e) alone, so a run resumed in the
/// middle of epoch e rebuilds exactly the batches the interrupted run had:
///
/// 1. shuffle all indices;
/// 2. cut them into pools of `poolBatches` batches, sort each pool by length (stable);
/// 3. cut the pools into batches of `batchSize`, and shuffle the order of the batches.
public enum BatchPlan {
    public static let poolBatches = 50

    /// Batches of indices into `lengths`, every index exactly once.
    public static func batches(lengths: [Int], batchSize: Int, seed: UInt64, epoch: Int) -> [[Int]] {
        precondition(batchSize >= 1, "batch size must be at least 1")
        var generator = SeededGenerator(seed: seed ^ (UInt64(epoch + 1) &* 0x9E37_79B9_7F4A_7C15))
        var order = Array(lengths.indices)
        order.shuffle(using: &generator)
        var batches: [[Int]] = []
        let poolSize = batchSize * poolBatches
        for poolStart in stride(from: 0, to: order.count, by: poolSize) {
            let pool = order[poolStart..<min(poolStart + poolSize, order.count)]
                .enumerated().sorted { a, b in
                    lengths[a.element] != lengths[b.element] ? lengths[a.element] < lengths[b.element] : a.offset < b.offset
                }.map(\.element)
            for start in stride(from: 0, to: pool.count, by: batchSize) {
                batches.append(Array(pool[start..<min(start + batchSize, pool.count)]))
            }
        }
        batches.shuffle(using: &generator)
        return batches
    }

    /// Batches for inference: `batchSize` consecutive indices at a time after sorting by length,
    /// so that output can be put back in input order by index.
    public static func inferenceBatches(lengths: [Int], batchSize: Int) -> [[Int]] {
        let order = lengths.indices.sorted { lengths[$0] != lengths[$1] ? lengths[$0] < lengths[$1] : $0 < $1 }
        return stride(from: 0, to: order.count, by: batchSize).map { Array(order[$0..<min($0 + batchSize, order.count)]) }
    }
}
