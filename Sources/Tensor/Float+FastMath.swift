/// Branch-free exp, sigmoid and tanh for Float, on one value and on 8 lanes.
///
/// libm's `expf`/`tanhf` are opaque calls, one element at a time; these inline into the recurrent
/// cells and the softmax. exp follows Cephes' `expf`: with k = round(x / ln 2), r = x − k ln 2 (ln 2
/// split in two parts for exactness), eʳ by a degree-6 polynomial, and 2ᵏ built in the exponent
/// bits. Error within 2 ulp on the clamped range [−87.3, 88.3]; tanh(x) = 1 − 2 / (e²ˣ + 1) with
/// absolute error below 1e-7.
extension Float {
    @inlinable @inline(__always)
    public static func exponential(_ x: Float) -> Float {
        exponential(SIMD8(repeating: x))[0]
    }

    @inlinable @inline(__always)
    public static func sigmoid(_ x: Float) -> Float { 1 / (1 + exponential(-x)) }

    @inlinable @inline(__always)
    public static func hyperbolicTangent(_ x: Float) -> Float {
        let t = 1 - 2 / (exponential(2 * Swift.abs(x)) + 1)
        return x < 0 ? -t : t
    }

    @inlinable @inline(__always)
    public static func exponential(_ x: SIMD8<Float>) -> SIMD8<Float> {
        // (.replacing inlines to vector selects; the stdlib's pointwiseMin/Max stay calls.)
        let low = SIMD8<Float>(repeating: -87.3), high = SIMD8<Float>(repeating: 88.3)
        let clamped = x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
        // Adding 1.5·2²³ rounds x/ln 2 to the nearest integer k, which lands in the low mantissa
        // bits: no float→int conversion needed.
        let magic = SIMD8<Float>(repeating: 12_582_912)
        let shifted = magic.addingProduct(clamped, 1.442_695_04)
        let k = shifted - magic
        let r = clamped.addingProduct(k, -0.693_359_375).addingProduct(k, 2.121_944_4e-4)
        var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
        p = SIMD8(repeating: 1.398_199_95e-3).addingProduct(p, r)
        p = SIMD8(repeating: 8.333_451_9e-3).addingProduct(p, r)
        p = SIMD8(repeating: 4.166_579_6e-2).addingProduct(p, r)
        p = SIMD8(repeating: 0.166_666_65).addingProduct(p, r)
        p = SIMD8(repeating: 0.5).addingProduct(p, r)
        let e = (r + 1).addingProduct(p, r * r)
        let scale = (unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &+ 127) &<< 23
        return e * unsafeBitCast(scale, to: SIMD8<Float>.self)
    }

    @inlinable @inline(__always)
    public static func sigmoid(_ x: SIMD8<Float>) -> SIMD8<Float> { 1 / (1 + exponential(-x)) }

    @inlinable @inline(__always)
    public static func hyperbolicTangent(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let signBit = SIMD8<UInt32>(repeating: 0x8000_0000)
        let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
        let magnitude = unsafeBitCast(bits & ~signBit, to: SIMD8<Float>.self)
        let t = 1 - 2 / (exponential(2 * magnitude) + 1)
        return unsafeBitCast(unsafeBitCast(t, to: SIMD8<UInt32>.self) | (bits & signBit), to: SIMD8<Float>.self)
    }
}
