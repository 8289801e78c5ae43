import CDNNL
import Foundation

/// A layer's weight W (n, k), or a block of its columns, in int8 with one scale per output row, for
/// the product of a forward pass at int8 precision:
///
///     y (m, n) (+)= x (m, k) · Wᵀ
///
/// W is quantised once and x on each call, both symmetrically, one scale per row (x's rows are the
/// tokens or sentences of a batch; PyTorch's dynamic quantisation keeps one scale per tensor):
///
///     w_j = max_k |W[j,k]| / 127        Q[j,k] = round(W[j,k] / w_j)         ∈ [−127, 127]
///     s_i = max_k |x[i,k]| / 63         q[i,k] = round(x[i,k] / s_i) + 64     ∈ [1, 127]
///     y[i,j] (+)= s_i · w_j · (Σ_k q[i,k] Q[j,k] − 64 · Σ_k Q[j,k])
///
/// The sum runs in oneDNN's u8 · s8 → s32 matmul on Q packed once (u8 sources: its s8 · s8 product
/// measured 2x slower here). x gets 7 bits, not 8: CPUs without VNNI add pairs of u8 · s8 products
/// in 16 bits with saturation, and 2 · 127 · 127 fits where 2 · 255 · 127 does not (PyTorch's
/// `reduce_range` for the same reason). A zero row of W or x gives zero; a row of W or x holding a
/// NaN or an infinity gives NaN across its column or row of y, as the f32 product would.
///
/// Products may run from several threads (a lock serialises them).
final class QuantizedWeights: ReducedPrecisionWeights, @unchecked Sendable {
    /// n and k.
    let outputSize: Int, inputSize: Int
    /// w_j (n)
    let scales: [Float]
    /// 64 · Σ_k Q[j,k] (n)
    let zeroPointSums: [Int32]
    /// Q (n, k) row-major, what the packed copies are made from.
    let values: [Int8]
    let lock = NSLock()
    var products: PackedProducts
    /// `product`'s buffers, kept between calls (under `lock`) and grown to the largest m so far:
    /// q (m, k), s_i (m), Σ_k q Q (m, n).
    var quantizedRows: [UInt8] = [], rowScales: [Float] = [], sums: [Int32] = []

    static let zeroPoint: Float = 64
    static let activationLevels: Float = 63
    static let weightLevels: Float = 127

    /// Quantises the n rows of k values at `weights`, rows `leadingDimension` apart.
    init(_ weights: UnsafePointer<Float>, rows n: Int, cols k: Int, leadingDimension: Int) {
        (outputSize, inputSize) = (n, k)
        var scales = [Float](repeating: 0, count: n)
        var sums = [Int32](repeating: 0, count: n)
        var values = [Int8](repeating: 0, count: n * k)
        for j in 0..<n {
            let row = weights + j * leadingDimension
            let (largest, finite) = Self.largestMagnitude(row, count: k)
            guard largest > 0, finite else {   // a zero row, or (not from training) a non-finite one
                scales[j] = finite ? 0 : .nan
                continue
            }
            let scale = largest / Self.weightLevels, inverse = 1 / scale
            var sum: Int32 = 0
            for c in 0..<k {
                let q = Int8(Swift.min(Swift.max((row[c] * inverse).rounded(), -Self.weightLevels), Self.weightLevels))
                values[j * k + c] = q
                sum += Int32(q)
            }
            scales[j] = scale
            sums[j] = Int32(Self.zeroPoint) * sum
        }
        (self.scales, zeroPointSums, self.values) = (scales, sums, values)
        products = PackedProducts(k: k, n: n, leadingDimension: k, types: .int8)
    }

    /// y (m, n; rows `ldy` apart) (+)= x (m, k; rows `ldx` apart) · Wᵀ, as the type's doc says.
    func product(_ x: UnsafePointer<Float>, rows m: Int, ldx: Int, into y: UnsafeMutablePointer<Float>, ldy: Int,
                 accumulate: Bool) {
        guard m > 0 else { return }
        let (n, k) = (outputSize, inputSize)
        lock.lock()
        defer { lock.unlock() }
        let product = products.product(ProductKey(rows: m, ldx: k, ldy: n, accumulate: false), weights: values)
        if quantizedRows.count < m * k { quantizedRows = .init(repeating: 0, count: m * k) }
        if rowScales.count < m { rowScales = .init(repeating: 0, count: m) }
        if sums.count < m * n { sums = .init(repeating: 0, count: m * n) }
        quantizedRows.withUnsafeMutableBufferPointer { q in
            rowScales.withUnsafeMutableBufferPointer { s in
                sums.withUnsafeMutableBufferPointer { c in
                    let (q, s, c) = (q.baseAddress!, s.baseAddress!, c.baseAddress!)
                    Parallel.forEachChunk(m, minimumPerThread: Swift.max(1, 16384 / k)) { rows in
                        for i in rows { s[i] = Self.quantize(x + i * ldx, count: k, into: q + i * k) }
                    }
                    product.run(UnsafeRawPointer(q), UnsafeMutableRawPointer(c))
                    Parallel.forEachChunk(m, minimumPerThread: Swift.max(1, 16384 / n)) { rows in
                        for i in rows {
                            rescale(c + i * n, by: s[i], into: y + i * ldy, accumulate: accumulate)
                        }
                    }
                }
            }
        }
    }

    /// y_j (+)= s · w_j · (sums_j − 64 Σ_k Q[j,k]) for the n values of one row.
    func rescale(_ sums: UnsafePointer<Int32>, by s: Float, into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        scales.withUnsafeBufferPointer { w in
            zeroPointSums.withUnsafeBufferPointer { z in
                if accumulate {
                    for j in 0..<outputSize { y[j] += s * w[j] * Float(sums[j] &- z[j]) }
                } else {
                    for j in 0..<outputSize { y[j] = s * w[j] * Float(sums[j] &- z[j]) }
                }
            }
        }
    }

    /// q = round(x / s) + 64 for the `count` values at `x`, written to `q`; returns s (NaN when x
    /// holds a NaN or an infinity, 0 when x is all zeros). Rounding is to nearest even: adding
    /// 1.5 · 2²³ leaves the integer in the low bits of the float (a loop the compiler vectorises).
    static func quantize(_ x: UnsafePointer<Float>, count: Int, into q: UnsafeMutablePointer<UInt8>) -> Float {
        let (largest, finite) = largestMagnitude(x, count: count)
        guard finite, largest > 0 else {
            q.update(repeating: UInt8(zeroPoint), count: count)
            return finite ? 0 : .nan
        }
        let scale = largest / activationLevels, inverse = 1 / scale
        let offset: Float = zeroPoint + 12_582_912
        for c in 0..<count {
            let level = Swift.min(Swift.max(x[c] * inverse, -activationLevels), activationLevels) + offset
            q[c] = UInt8(truncatingIfNeeded: level.bitPattern)
        }
        return scale
    }

    /// max |v| over the `count` values at `v`, and whether all are finite (x · 0 is NaN for NaN and
    /// ±∞, which `max` would skip). Eight lanes at a time.
    static func largestMagnitude(_ v: UnsafePointer<Float>, count: Int) -> (Float, finite: Bool) {
        var largest = SIMD8<Float>(), poison = SIMD8<Float>()
        for c in stride(from: 0, to: count, by: 8) {
            let x = v.lanes(c, Swift.min(8, count - c))   // zero-padded tail
            let magnitude = x.replacing(with: -x, where: x .< 0)
            largest.replace(with: magnitude, where: magnitude .> largest)
            poison += x * 0
        }
        var top: Float = 0, total: Float = 0   // (SIMD8's max() and sum() stay generic calls)
        for lane in 0..<8 { (top, total) = (Swift.max(top, largest[lane]), total + poison[lane]) }
        return (top, total == 0)
    }
}
