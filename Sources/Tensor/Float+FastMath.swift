/// Branch-free exp, sigmoid and tanh for Float, written so that loops calling them vectorise.
///
/// libm's `expf`/`tanhf` are opaque calls, one element at a time; these inline into the recurrent
/// cells and the softmax and run 8 lanes wide. exp follows Cephes' `expf`: with k = round(x / ln 2),
/// r = x − k ln 2 (ln 2 split in two parts for exactness), eʳ by a degree-6 polynomial, and 2ᵏ
/// built in the exponent bits. Error within 2 ulp on the clamped range [−87.3, 88.3].
extension Float {
    @inlinable @inline(__always)
    public static func exponential(_ x: Float) -> Float {
        let clamped = Swift.min(Swift.max(x, -87.3), 88.3)
        let k = (clamped * 1.442_695_04).rounded(.toNearestOrEven)
        let r = clamped - k * 0.693_359_375 + k * 2.121_944_4e-4
        let r2 = r * r
        var p: Float = 1.987_569_15e-4
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 0.166_666_65
        p = p * r + 0.5
        let e = p * r2 + r + 1
        return e * Float(bitPattern: UInt32(bitPattern: Int32(k) + 127) << 23)
    }

    @inlinable @inline(__always)
    public static func sigmoid(_ x: Float) -> Float { 1 / (1 + exponential(-x)) }

    /// tanh(x) = 1 − 2 / (e²ˣ + 1), odd-symmetric; absolute error below 1e-7.
    @inlinable @inline(__always)
    public static func hyperbolicTangent(_ x: Float) -> Float {
        let magnitude = Swift.abs(x)
        let t = 1 - 2 / (exponential(2 * magnitude) + 1)
        return x < 0 ? -t : t
    }
}
