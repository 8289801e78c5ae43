import Tensor

/// Truncated backpropagation through time: a long batch is cut into windows of at most
/// `windowLength` steps. Each window runs forward from the previous window's final state (so the
/// forward pass is exactly that of the whole sequence) but its backward pass stops at the window's
/// start: the carried state is a constant to it. Cost and memory grow with the window, not with T.
///
/// Usage, for a stack and a time-major batch `x` (T·B, D):
///
///     var state: [Matrix<Float>]? = nil
///     for window in TruncatedBPTT(windowLength: 35).windows(lengths: lengths) {
///         let input = window.rows(of: x)
///         let (output, finals, cache) = stack.forward(input, lengths: window.lengths, initialStates: state)
///         ... loss, backward on `cache`, optimizer step ...
///         state = finals
///     }
public struct TruncatedBPTT: Sendable {
    public struct Window: Sendable, Equatable {
        /// The time steps of the window.
        public let steps: Range<Int>
        /// Each sequence's real steps inside the window (0 when it ended before the window).
        public let lengths: [Int]

        /// The window's rows of a time-major (T·B, ·) matrix.
        public func rows<Scalar>(of matrix: Matrix<Scalar>) -> Matrix<Scalar> {
            let batch = lengths.count
            return matrix.rows((steps.lowerBound * batch)..<(steps.upperBound * batch))
        }
    }

    public let windowLength: Int

    public init(windowLength: Int) {
        precondition(windowLength >= 1, "a window needs at least one step")
        self.windowLength = windowLength
    }

    /// Windows covering steps 0..<max(lengths), in order.
    public func windows(lengths: [Int]) -> [Window] {
        let steps = lengths.max() ?? 0
        return stride(from: 0, to: steps, by: windowLength).map { start in
            let end = Swift.min(start + windowLength, steps)
            return Window(steps: start..<end,
                          lengths: lengths.map { Swift.min(Swift.max($0 - start, 0), end - start) })
        }
    }
}
