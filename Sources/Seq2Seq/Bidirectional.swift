import Tensor

/// Two recurrent layers over the same sequences, one reading forward and one reading each sequence
/// backward from its own last real step (as PyTorch's packed sequences do):
///
///     →h_t = forward(x_1 … x_t)        ←h_t = reverse(x_len … x_t)
///     y_t  = [→h_t | ←h_t]  (concat, 2H)   or   →h_t + ←h_t  (sum, H)
///
/// States are ordered forward, reverse; parameters are named with `_l{k}` and `_l{k}_reverse`.
public final class Bidirectional<Cell: RecurrentCell, Scalar: TensorScalar>: SequenceLayer {
    public typealias Merge = DirectionMerge

    public let forwardLayer: Recurrent<Cell, Scalar>
    public let reverseLayer: Recurrent<Cell, Scalar>
    public let merge: Merge

    public init(
        cell: Cell, inputSize: Int, hiddenSize: Int, merge: Merge = .concat,
        prefix: String = "", layerIndex: Int = 0, generator: inout SeededGenerator
    ) {
        forwardLayer = Recurrent(cell: cell, inputSize: inputSize, hiddenSize: hiddenSize,
                                 prefix: prefix, suffix: "_l\(layerIndex)", generator: &generator)
        reverseLayer = Recurrent(cell: cell, inputSize: inputSize, hiddenSize: hiddenSize,
                                 prefix: prefix, suffix: "_l\(layerIndex)_reverse", generator: &generator)
        self.merge = merge
    }

    public var parameters: [Parameter<Scalar>] { forwardLayer.parameters + reverseLayer.parameters }
    public var inputSize: Int { forwardLayer.inputSize }
    public var outputSize: Int { merge == .concat ? 2 * forwardLayer.hiddenSize : forwardLayer.hiddenSize }
    public var directions: Int { 2 }
    public var stateWidth: Int { forwardLayer.stateWidth }

    public struct Cache {
        let forward: Recurrent<Cell, Scalar>.Cache
        let reverse: Recurrent<Cell, Scalar>.Cache
        let lengths: [Int]
    }

    public func forward(_ input: Matrix<Scalar>, lengths: [Int], initialStates: [Matrix<Scalar>]?)
        -> (output: Matrix<Scalar>, finalStates: [Matrix<Scalar>], cache: Cache)
    {
        precondition(initialStates == nil || initialStates!.count == 2, "two initial states expected")
        // The directions are independent: each runs on its own thread (its products then run
        // single-threaded, which suits the small per-step products better than splitting them).
        var aheadResult: (output: Matrix<Scalar>, finalState: Matrix<Scalar>, cache: Recurrent<Cell, Scalar>.Cache)?
        var backResult: (output: Matrix<Scalar>, finalState: Matrix<Scalar>, cache: Recurrent<Cell, Scalar>.Cache)?
        Parallel.forEachChunk(2) { directions in
            for direction in directions {
                if direction == 0 {
                    aheadResult = forwardLayer.forward(input, lengths: lengths, initialState: initialStates?[0])
                } else {
                    backResult = reverseLayer.forward(input.reversedInTime(lengths: lengths), lengths: lengths,
                                                initialState: initialStates?[1])
                }
            }
        }
        let (ahead, back) = (aheadResult!, backResult!)
        let output = merged(ahead.output, back.output.reversedInTime(lengths: lengths))
        return (output, [ahead.finalState, back.finalState],
                Cache(forward: ahead.cache, reverse: back.cache, lengths: lengths))
    }

    public func backward(
        outputGradient: Matrix<Scalar>, finalStateGradients: [Matrix<Scalar>]?, cache: Cache
    ) -> (inputGradient: Matrix<Scalar>, initialStateGradients: [Matrix<Scalar>]) {
        let (forwardGradient, reverseGradient) = split(outputGradient)
        var aheadResult: (inputGradient: Matrix<Scalar>, initialStateGradient: Matrix<Scalar>)?
        var backResult: (inputGradient: Matrix<Scalar>, initialStateGradient: Matrix<Scalar>)?
        Parallel.forEachChunk(2) { directions in   // independent, as in forward
            for direction in directions {
                if direction == 0 {
                    aheadResult = forwardLayer.backward(outputGradient: forwardGradient,
                                                  finalStateGradient: finalStateGradients?[0], cache: cache.forward)
                } else {
                    backResult = reverseLayer.backward(
                        outputGradient: reverseGradient.reversedInTime(lengths: cache.lengths),
                        finalStateGradient: finalStateGradients?[1], cache: cache.reverse)
                }
            }
        }
        let (ahead, back) = (aheadResult!, backResult!)
        var inputGradient = ahead.inputGradient
        inputGradient.add(back.inputGradient.reversedInTime(lengths: cache.lengths))
        return (inputGradient, [ahead.initialStateGradient, back.initialStateGradient])
    }

    /// (T·B, H) twice → (T·B, 2H) or (T·B, H).
    func merged(_ a: Matrix<Scalar>, _ b: Matrix<Scalar>) -> Matrix<Scalar> {
        switch merge {
        case .sum:
            var sum = a
            sum.add(b)
            return sum
        case .concat:
            let H = a.cols
            var out = Matrix<Scalar>(rows: a.rows, cols: 2 * H)
            for r in 0..<a.rows {
                for j in 0..<H {
                    out.storage[r * 2 * H + j] = a.storage[r * H + j]
                    out.storage[r * 2 * H + H + j] = b.storage[r * H + j]
                }
            }
            return out
        }
    }

    /// The inverse of `merged` for gradients.
    func split(_ gradient: Matrix<Scalar>) -> (Matrix<Scalar>, Matrix<Scalar>) {
        switch merge {
        case .sum:
            return (gradient, gradient)
        case .concat:
            let H = gradient.cols / 2
            var a = Matrix<Scalar>(rows: gradient.rows, cols: H), b = a
            for r in 0..<gradient.rows {
                for j in 0..<H {
                    a.storage[r * H + j] = gradient.storage[r * 2 * H + j]
                    b.storage[r * H + j] = gradient.storage[r * 2 * H + H + j]
                }
            }
            return (a, b)
        }
    }
}

extension Matrix {
    /// Reverses each sequence of a time-major (T·B, D) batch within its own length: row (t, b) moves
    /// to (lengths[b] − 1 − t, b); padded rows become zero. Its own inverse on the real rows.
    public func reversedInTime(lengths: [Int]) -> Matrix {
        let B = lengths.count, T = rows / B
        var out = Matrix(rows: rows, cols: cols)
        for b in 0..<B {
            for t in 0..<Swift.min(lengths[b], T) {
                let source = (t * B + b) * cols, target = ((lengths[b] - 1 - t) * B + b) * cols
                for j in 0..<cols { out.storage[target + j] = storage[source + j] }
            }
        }
        return out
    }
}
