extension SafeTensors {
    /// The element types this reader and writer handle. Values are `Float` in memory; F16 and BF16
    /// round to nearest even when written, F64 rounds to Float when read. I8 holds whole numbers
    /// (quantised weights, whose scales are another tensor): written rounded and clamped to
    /// −128…127, a NaN as 0.
    public enum DType: String, CaseIterable, Sendable {
        case i8 = "I8"
        case f16 = "F16"
        case bf16 = "BF16"
        case f32 = "F32"
        case f64 = "F64"

        /// Bytes per element.
        public var size: Int {
            switch self {
            case .i8: return 1
            case .f16, .bf16: return 2
            case .f32: return 4
            case .f64: return 8
            }
        }

        /// Writes `values` little-endian at `destination` (values.count · size bytes, any alignment).
        func encode(_ values: UnsafeBufferPointer<Float>, into destination: UnsafeMutableRawPointer) {
            switch self {
            case .i8:
                for (i, x) in values.enumerated() {
                    let level = x.isNaN ? 0 : Swift.min(Swift.max(x.rounded(), -128), 127)
                    destination.storeBytes(of: Int8(level), toByteOffset: i, as: Int8.self)
                }
            case .f16:
                for (i, x) in values.enumerated() {
                    destination.storeBytes(of: Float16(x).bitPattern.littleEndian, toByteOffset: 2 * i, as: UInt16.self)
                }
            case .bf16:
                for (i, x) in values.enumerated() {
                    destination.storeBytes(of: bfloat16Bits(x).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
                }
            case .f32:
                for (i, x) in values.enumerated() {
                    destination.storeBytes(of: x.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
                }
            case .f64:
                for (i, x) in values.enumerated() {
                    destination.storeBytes(of: Double(x).bitPattern.littleEndian, toByteOffset: 8 * i, as: UInt64.self)
                }
            }
        }

        /// Reads `destination.count` little-endian elements from `source` (any alignment).
        func decode(from source: UnsafeRawPointer, into destination: UnsafeMutableBufferPointer<Float>) {
            switch self {
            case .i8:
                for i in destination.indices { destination[i] = Float(source.load(fromByteOffset: i, as: Int8.self)) }
            case .f16:
                for i in destination.indices {
                    let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                    destination[i] = Float(Float16(bitPattern: bits))
                }
            case .bf16:
                for i in destination.indices {
                    let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                    destination[i] = Float(bitPattern: UInt32(bits) << 16)
                }
            case .f32:
                for i in destination.indices {
                    let bits = UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
                    destination[i] = Float(bitPattern: bits)
                }
            case .f64:
                for i in destination.indices {
                    let bits = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
                    destination[i] = Float(Double(bitPattern: bits))
                }
            }
        }
    }
}

/// The bfloat16 nearest to `x` (ties to even), as PyTorch rounds; NaN stays a (quiet) NaN.
/// Branch-free, so that loops over it vectorise (the bf16 products round every activation).
@inline(__always)
func bfloat16Bits(_ x: Float) -> UInt16 {
    let bits = x.bitPattern
    let rounded = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16
    let quietNaN = (bits >> 16) | 0x0040
    return UInt16(truncatingIfNeeded: x.isNaN ? quietNaN : rounded)
}
