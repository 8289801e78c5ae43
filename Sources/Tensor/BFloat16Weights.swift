import CDNNL
import Foundation

/// A layer's weight W (n, k), or a block of its columns, in bfloat16, for the product of a forward
/// pass at bf16 precision:
///
///     y (m, n) (+)= bf16(x) (m, k) · bf16(W)ᵀ        bf16(v): v rounded to 8 significant bits
///
/// W is rounded once (nearest, ties to even) and packed, x on each call; oneDNN's bf16 matmul
/// (avx512_bf16 or AMX) sums the products in float32 and writes float32 y, adding into it as the
/// f32 product does. Each term is off by at most about 2 · 2⁻⁹ of |x_k W_jk|; the sum is float32.
/// NaN and ±∞ stay NaN and ±∞.
///
/// Products may run from several threads (a lock serialises them).
final class BFloat16Weights: ReducedPrecisionWeights, @unchecked Sendable {
    /// n and k.
    let outputSize: Int, inputSize: Int
    /// bf16(W) (n, k) row-major, what the packed copies are made from.
    let values: [UInt16]
    let lock = NSLock()
    var products: PackedProducts
    /// bf16(x) (m, k) of the largest product so far, kept between calls (under `lock`).
    var roundedRows: [UInt16] = []

    init(_ weights: UnsafePointer<Float>, rows n: Int, cols k: Int, leadingDimension: Int) {
        (outputSize, inputSize) = (n, k)
        var values = [UInt16](repeating: 0, count: n * k)
        for j in 0..<n {
            for c in 0..<k { values[j * k + c] = bfloat16Bits(weights[j * leadingDimension + c]) }
        }
        self.values = values
        products = PackedProducts(k: k, n: n, leadingDimension: k, types: .bfloat16)
    }

    /// bf16(x) for the `count` values at `x` (a loop the compiler vectorises).
    static func round(_ x: UnsafePointer<Float>, count: Int, into rounded: UnsafeMutablePointer<UInt16>) {
        for c in 0..<count { rounded[c] = bfloat16Bits(x[c]) }
    }

    func product(_ x: UnsafePointer<Float>, rows m: Int, ldx: Int, into y: UnsafeMutablePointer<Float>, ldy: Int,
                 accumulate: Bool) {
        guard m > 0 else { return }
        let k = inputSize
        lock.lock()
        defer { lock.unlock() }
        let product = products.product(ProductKey(rows: m, ldx: k, ldy: ldy, accumulate: accumulate), weights: values)
        if roundedRows.count < m * k { roundedRows = .init(repeating: 0, count: m * k) }
        roundedRows.withUnsafeMutableBufferPointer { rounded in
            let rounded = rounded.baseAddress!
            Parallel.forEachChunk(m, minimumPerThread: Swift.max(1, 16384 / k)) { rows in
                for i in rows { Self.round(x + i * ldx, count: k, into: rounded + i * k) }
            }
            product.run(UnsafeRawPointer(rounded), UnsafeMutableRawPointer(y))
        }
    }
}
