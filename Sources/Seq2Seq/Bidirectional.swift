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
    /// The forward direction's: the one whose final state is the end of the sentence.
    public var hiddenGradientNormsFromEnd: [Double] { forwardLayer.hiddenGradientNormsFromEnd }

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
        let output = merged(ahead.output, reversed: back.output, lengths: lengths)
        return (output, [ahead.finalState, back.finalState],
                Cache(forward: ahead.cache, reverse: back.cache, lengths: lengths))
    }

    public func backward(
        outputGradient: Matrix<Scalar>, finalStateGradients: [Matrix<Scalar>]?, cache: Cache
    ) -> (inputGradient: Matrix<Scalar>, initialStateGradients: [Matrix<Scalar>]) {
        let (forwardGradient, reverseGradient) = split(outputGradient, lengths: cache.lengths)
        var aheadResult: (inputGradient: Matrix<Scalar>, initialStateGradient: Matrix<Scalar>)?
        var backResult: (inputGradient: Matrix<Scalar>, initialStateGradient: Matrix<Scalar>)?
        Parallel.forEachChunk(2) { directions in   // independent, as in forward
            for direction in directions {
                if direction == 0 {
                    aheadResult = forwardLayer.backward(outputGradient: forwardGradient,
                                                  finalStateGradient: finalStateGradients?[0], cache: cache.forward)
                } else {
                    backResult = reverseLayer.backward(
                        outputGradient: reverseGradient,
                        finalStateGradient: finalStateGradients?[1], cache: cache.reverse)
                }
            }
        }
        let (ahead, back) = (aheadResult!, backResult!)
        var inputGradient = ahead.inputGradient
        inputGradient.add(back.inputGradient.reversedInTime(lengths: cache.lengths))
        return (inputGradient, [ahead.initialStateGradient, back.initialStateGradient])
    }

    /// The forward outputs `a` (T·B, H) and the reverse layer's outputs `b` (T·B, H, in each
    /// sequence's reversed time) → (T·B, 2H) or (T·B, H): row (t, b) of the result is
    /// [a(t, b) | b(len_b − 1 − t, b)] or their sum; padded rows are zero (as `a`'s are).
    /// One pass over the rows, `b`'s time reversal included.
    func merged(_ a: Matrix<Scalar>, reversed b: Matrix<Scalar>, lengths: [Int]) -> Matrix<Scalar> {
        let H = a.cols, B = lengths.count, T = a.rows / B
        let width = merge == .concat ? 2 * H : H
        var out = Matrix<Scalar>(rows: a.rows, cols: width)
        a.storage.withUnsafeBufferPointer { aBuffer in
        b.storage.withUnsafeBufferPointer { bBuffer in
        out.storage.withUnsafeMutableBufferPointer { outBuffer in
            let aBase = aBuffer.baseAddress!, bBase = bBuffer.baseAddress!, outBase = outBuffer.baseAddress!
            let merge = self.merge
            Parallel.forEachChunk(T, minimumPerThread: Swift.max(1, 16384 / (B * width))) { steps in
                for t in steps {
                    for row in 0..<B where t < lengths[row] {
                        let target = outBase + (t * B + row) * width
                        let ahead = aBase + (t * B + row) * H
                        let back = bBase + ((lengths[row] - 1 - t) * B + row) * H
                        switch merge {
                        case .concat:
                            target.update(from: ahead, count: H)
                            (target + H).update(from: back, count: H)
                        case .sum:
                            for j in 0..<H { target[j] = ahead[j] + back[j] }
                        }
                    }
                }
            }
        }}}
        return out
    }

    /// The inverse of `merged` for gradients: the forward layer's (T·B, H) and the reverse layer's
    /// (T·B, H), the latter already in each sequence's reversed time; padded rows are zero.
    func split(_ gradient: Matrix<Scalar>, lengths: [Int]) -> (Matrix<Scalar>, Matrix<Scalar>) {
        let width = gradient.cols, H = merge == .concat ? width / 2 : width
        let B = lengths.count, T = gradient.rows / B
        var ahead = Matrix<Scalar>(rows: gradient.rows, cols: H), back = ahead
        gradient.storage.withUnsafeBufferPointer { gBuffer in
        ahead.storage.withUnsafeMutableBufferPointer { aheadBuffer in
        back.storage.withUnsafeMutableBufferPointer { backBuffer in
            let gBase = gBuffer.baseAddress!, aheadBase = aheadBuffer.baseAddress!
            let backBase = backBuffer.baseAddress!
            let offset = merge == .concat ? H : 0
            Parallel.forEachChunk(T, minimumPerThread: Swift.max(1, 16384 / (B * width))) { steps in
                for t in steps {
                    for row in 0..<B where t < lengths[row] {
                        let source = gBase + (t * B + row) * width
                        (aheadBase + (t * B + row) * H).update(from: source, count: H)
                        (backBase + ((lengths[row] - 1 - t) * B + row) * H).update(from: source + offset, count: H)
                    }
                }
            }
        }}}
        return (ahead, back)
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
