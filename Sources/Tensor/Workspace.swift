/// The scratch buffers of one pass in one allocation, handed out as plain pointers (llm.c's
/// `malloc_and_point_activations`): a layer knows all its buffer sizes up front, asks for them at
/// once, and then works on named pointers instead of opening a `withUnsafe…` closure per buffer.
///
///     let buffers = Workspace<Float>([T * B * GH, (T + 1) * B * SH])
///     let (hp, states) = (buffers[0], buffers[1])
///
/// The memory lives as long as the workspace (keep it in the layer's cache for backward) and starts
/// uninitialised, except the buffers listed in `zeroed`.
public final class Workspace<Scalar: TensorScalar>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Scalar>
    let starts: [Int]

    /// Buffers of `counts[i]` scalars each; those whose index is in `zeroed` are set to zero.
    public init(_ counts: [Int], zeroed: Set<Int> = []) {
        precondition(counts.allSatisfy { $0 >= 0 }, "negative buffer size in \(counts)")
        // Each buffer starts on a 64-byte line, as oneDNN's products prefer.
        let line = Swift.max(1, 64 / MemoryLayout<Scalar>.stride)
        var starts: [Int] = [], total = 0
        for count in counts {
            starts.append(total)
            total += (count + line - 1) / line * line
        }
        self.starts = starts
        base = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(total, 1) * MemoryLayout<Scalar>.stride,
                                                alignment: 64).bindMemory(to: Scalar.self, capacity: Swift.max(total, 1))
        for index in zeroed { (base + starts[index]).initialize(repeating: 0, count: counts[index]) }
    }

    /// Buffer `index`, in the order of `counts`.
    @inlinable
    public subscript(index: Int) -> UnsafeMutablePointer<Scalar> { pointer(index) }

    @usableFromInline
    func pointer(_ index: Int) -> UnsafeMutablePointer<Scalar> { base + starts[index] }

    deinit { base.deallocate() }
}
