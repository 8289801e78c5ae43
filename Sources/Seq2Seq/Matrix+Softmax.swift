import Tensor

extension Matrix {
    /// The softmax of each row (probabilities over the columns):
    ///
    ///     P_nc = exp(z_nc − m_n) / Σ_k exp(z_nk − m_n),    m_n = max_k z_nk
    public func rowSoftmax() -> Matrix {
        var result = self
        let C = cols
        guard C > 0 else { return result }
        result.storage.withUnsafeMutableBufferPointer { z in
            for row in 0..<rows {
                let r = z.baseAddress! + row * C
                var maximum = r[0]
                for c in 1..<C where r[c] > maximum { maximum = r[c] }
                var total: Scalar = 0
                for c in 0..<C {
                    r[c] = Scalar.exponential(r[c] - maximum)
                    total += r[c]
                }
                for c in 0..<C { r[c] /= total }
            }
        }
        return result
    }
}
