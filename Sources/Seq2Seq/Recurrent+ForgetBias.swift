import Tensor

extension Recurrent where Cell == LSTMCell {
    /// Sets the forget gate's total bias b_if + b_hf to `value` (b_if = value, b_hf = 0).
    ///
    /// With PyTorch's default initialisation f = σ(≈0) ≈ ½, so the cell state, and the gradient along
    /// it, shrinks by half a step and long-range dependencies cannot be learned. A bias of 1 or more
    /// (Gers et al. 2000; Jozefowicz et al. 2015) starts the cell remembering.
    public func setForgetGateBias(_ value: Scalar) {
        let H = hiddenSize
        for j in H..<(2 * H) {
            biasIH.value.storage[j] = value
            biasHH.value.storage[j] = 0
        }
    }
}
