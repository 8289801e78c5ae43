import Tensor

/// Central-difference gradient checking in double precision.
///
/// For a scalar loss L(θ) and sampled entries θ_i of each parameter,
///
///     numeric_i = (L(θ + ε e_i) − L(θ − ε e_i)) / 2ε
///     error_i   = |analytic_i − numeric_i| / max(|analytic_i|, |numeric_i|, floor)
///
/// The floor (default 1e-3) keeps entries whose true gradient is ~0 from dividing round-off noise by
/// nothing; above it the error is the plain relative error.
public struct GradientCheck {
    public var epsilon: Double
    public var floor: Double
    public var samplesPerParameter: Int

    /// ε = 1e-5 balances truncation error (∝ ε²) against round-off (∝ 1/ε): at 1e-6 round-off alone
    /// reaches ~2e-6 relative on some recurrent weights.
    public init(epsilon: Double = 1e-5, floor: Double = 1e-3, samplesPerParameter: Int = 24) {
        self.epsilon = epsilon
        self.floor = floor
        self.samplesPerParameter = samplesPerParameter
    }

    /// Compares each parameter's `gradient` (filled by the caller's analytic backward pass) with
    /// central differences of `loss`, which must run a forward pass reading the parameters' current
    /// values. Returns the worst relative error per parameter name.
    public func worstErrors(
        of parameters: [Parameter<Double>], generator: inout SeededGenerator, loss: () -> Double
    ) -> [String: Double] {
        var worst: [String: Double] = [:]
        for parameter in parameters {
            let count = parameter.value.count
            let indices = count <= samplesPerParameter
                ? Array(0..<count)
                : (0..<samplesPerParameter).map { _ in Int(generator.next() % UInt64(count)) }
            var error = 0.0
            for i in indices {
                let saved = parameter.value.storage[i]
                parameter.value.storage[i] = saved + epsilon
                let plus = loss()
                parameter.value.storage[i] = saved - epsilon
                let minus = loss()
                parameter.value.storage[i] = saved
                let numeric = (plus - minus) / (2 * epsilon)
                let analytic = parameter.gradient.storage[i]
                let relative = abs(analytic - numeric) / Swift.max(abs(analytic), abs(numeric), floor)
                error = worse(error, relative)
            }
            worst[parameter.name] = error
        }
        return worst
    }
}

/// The larger of two errors, where NaN counts as the worst (`Swift.max` would drop a NaN).
public func worse<T: FloatingPoint>(_ a: T, _ b: T) -> T {
    a.isNaN || b.isNaN ? .nan : Swift.max(a, b)
}

/// Σ a ⊙ b over all entries: the loss `L = Σ y ⊙ r` whose gradient with respect to y is r.
public func dot(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Double {
    precondition(a.count == b.count)
    var sum = 0.0
    for i in 0..<a.count { sum += a.storage[i] * b.storage[i] }
    return sum
}
