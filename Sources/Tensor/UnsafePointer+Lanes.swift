/// 8-lane loads and stores for the element-wise kernels. A chunk of `count` < 8 (the tail of a row)
/// is read into zero-padded lanes and only its `count` lanes are written back, so a kernel writes
/// its maths once, on `SIMD8`, for the body and the tail alike.
extension UnsafePointer where Pointee: SIMDScalar {
    @inlinable @inline(__always)
    public func lanes(_ offset: Int, _ count: Int) -> SIMD8<Pointee> {
        if count == 8 { return UnsafeRawPointer(self + offset).loadUnaligned(as: SIMD8<Pointee>.self) }
        var vector = SIMD8<Pointee>()
        for lane in 0..<count { vector[lane] = self[offset + lane] }
        return vector
    }
}

extension UnsafeMutablePointer where Pointee: SIMDScalar {
    @inlinable @inline(__always)
    public func lanes(_ offset: Int, _ count: Int) -> SIMD8<Pointee> {
        UnsafePointer(self).lanes(offset, count)
    }

    @inlinable @inline(__always)
    public func storeLanes(_ vector: SIMD8<Pointee>, _ offset: Int, _ count: Int) {
        if count == 8 {
            UnsafeMutableRawPointer(self + offset).storeBytes(of: vector, as: SIMD8<Pointee>.self)
        } else {
            for lane in 0..<count { self[offset + lane] = vector[lane] }
        }
    }
}
