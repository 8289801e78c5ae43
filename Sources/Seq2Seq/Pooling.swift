import Tensor

/// How a many-to-one model turns an encoder's outputs over a sequence into one vector per sequence.
/// Only the real steps t < len_b of row b count; padding never does.
///
///     last:  p_b = [→h_b | ←h_b]  (concat)  or  →h_b + ←h_b  (sum),  or →h_b (one direction)
///            →h_b = the top layer's forward state after step len_b − 1,
///            ←h_b = its reverse state after reading back to step 0 (PyTorch's h_n[-2], h_n[-1])
///     max:   p_bj = max_{t < len_b} y_tbj                ∂y_tbj = ∂p_bj if t = argmax_t y_tbj, else 0
///     mean:  p_b  = (1 / len_b) Σ_{t < len_b} y_tb       ∂y_tb  = ∂p_b / len_b for t < len_b
///     max-mean: p_b = [max_b | mean_b]  (B, 2W)          ∂y = ∂y of max from ∂p[:, :W] + of mean from ∂p[:, W:]
///
/// `last` reads the final states (only their h part) and its gradient flows back through them; the
/// others read the per-step outputs y (T·B, W). p is (B, `width(encoderOutput: W)`), W the encoder's
/// output width. Ties in `max` send the gradient to the earliest step.
public enum Pooling: String, Codable, CaseIterable, Sendable {
    case last
    case max
    case mean
    case maxMean = "max-mean"

    /// The width of p for an encoder output of width W: 2W for `maxMean`, else W.
    public func width(encoderOutput W: Int) -> Int { self == .maxMean ? 2 * W : W }
}

extension Pooling {
    /// Encoder outputs y (T·B, W) and final states (stateCount × (B, S·H)) → p (B, W), plus for
    /// `max` the step of each maximum (B·W, row-major), for backward.
    func forward<Scalar: TensorScalar>(
        outputs: Matrix<Scalar>, finalStates: [Matrix<Scalar>], lengths: [Int], encoder: EncoderConfiguration
    ) -> (pooled: Matrix<Scalar>, argmax: [Int]) {
        let B = lengths.count, W = outputs.cols
        precondition(outputs.rows % B == 0 && lengths.allSatisfy { $0 >= 1 && $0 <= outputs.rows / B },
                     "pooling needs lengths in 1...T, got \(lengths)")
        var pooled = Matrix<Scalar>(rows: B, cols: W)
        switch self {
        case .last:
            let H = encoder.hiddenSize
            let top = finalStates.suffix(encoder.directions)   // forward[, reverse] of the last layer
            for (direction, state) in top.enumerated() {
                let offset = encoder.merge == .concat ? direction * H : 0
                for b in 0..<B { for j in 0..<H { pooled[b, offset + j] += state[b, j] } }
            }
            return (pooled, [])
        case .max:
            var argmax = [Int](repeating: 0, count: B * W)
            for b in 0..<B {
                for j in 0..<W { pooled[b, j] = outputs[b, j] }
                for t in 1..<lengths[b] {
                    for j in 0..<W where outputs[t * B + b, j] > pooled[b, j] {
                        pooled[b, j] = outputs[t * B + b, j]
                        argmax[b * W + j] = t
                    }
                }
            }
            return (pooled, argmax)
        case .mean:
            for b in 0..<B {
                for t in 0..<lengths[b] { for j in 0..<W { pooled[b, j] += outputs[t * B + b, j] } }
                let scale = 1 / Scalar(lengths[b])
                for j in 0..<W { pooled[b, j] *= scale }
            }
            return (pooled, [])
        case .maxMean:
            let maximum = Pooling.max.forward(outputs: outputs, finalStates: finalStates, lengths: lengths, encoder: encoder)
            let mean = Pooling.mean.forward(outputs: outputs, finalStates: finalStates, lengths: lengths, encoder: encoder)
            var both = Matrix<Scalar>(rows: B, cols: 2 * W)
            for b in 0..<B {
                for j in 0..<W { both[b, j] = maximum.pooled[b, j]; both[b, W + j] = mean.pooled[b, j] }
            }
            return (both, maximum.argmax)
        }
    }

    /// ∂L/∂p (B, W) → ∂L/∂y (T·B, W) and ∂L/∂final states (stateCount × (B, S·H); nil unless `last`,
    /// where only the top layer's h columns are non-zero).
    func backward<Scalar: TensorScalar>(
        pooledGradient: Matrix<Scalar>, argmax: [Int], lengths: [Int], steps T: Int,
        encoder: EncoderConfiguration
    ) -> (outputGradient: Matrix<Scalar>, finalStateGradients: [Matrix<Scalar>]?) {
        let B = lengths.count, W = self == .maxMean ? pooledGradient.cols / 2 : pooledGradient.cols
        precondition(pooledGradient.rows == B, "pooled gradient has \(pooledGradient.rows) rows for \(B)")
        var outputGradient = Matrix<Scalar>(rows: T * B, cols: W)
        switch self {
        case .last:
            let H = encoder.hiddenSize
            var states = (0..<encoder.stateCount).map { _ in Matrix<Scalar>(rows: B, cols: encoder.stateWidth) }
            for direction in 0..<encoder.directions {
                let index = encoder.stateCount - encoder.directions + direction
                let offset = encoder.merge == .concat ? direction * H : 0
                for b in 0..<B { for j in 0..<H { states[index][b, j] = pooledGradient[b, offset + j] } }
            }
            return (outputGradient, states)
        case .max:
            precondition(argmax.count == B * W, "max pooling backward without its argmax")
            for b in 0..<B {
                for j in 0..<W { outputGradient[argmax[b * W + j] * B + b, j] = pooledGradient[b, j] }
            }
            return (outputGradient, nil)
        case .mean:
            for b in 0..<B {
                let scale = 1 / Scalar(lengths[b])
                for t in 0..<lengths[b] {
                    for j in 0..<W { outputGradient[t * B + b, j] = pooledGradient[b, j] * scale }
                }
            }
            return (outputGradient, nil)
        case .maxMean:
            var maximumGradient = Matrix<Scalar>(rows: B, cols: W), meanGradient = Matrix<Scalar>(rows: B, cols: W)
            for b in 0..<B {
                for j in 0..<W { maximumGradient[b, j] = pooledGradient[b, j]; meanGradient[b, j] = pooledGradient[b, W + j] }
            }
            var gradient = Pooling.max.backward(pooledGradient: maximumGradient, argmax: argmax, lengths: lengths, steps: T,
                                                encoder: encoder).outputGradient
            gradient.add(Pooling.mean.backward(pooledGradient: meanGradient, argmax: [], lengths: lengths, steps: T,
                                               encoder: encoder).outputGradient)
            return (gradient, nil)
        }
    }
}
