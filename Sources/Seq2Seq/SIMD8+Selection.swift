import Tensor

/// Lane-wise maxima and selections on `SIMD8` of a `TensorScalar`, for kernels that are generic
/// over the scalar (the CRF's).
///
/// Generic code calls the standard library's generic SIMD comparisons and `replacing(with:where:)`,
/// which stay lane-by-lane loops through the stack even once specialised for Float (measured: four
/// fifths of the CRF's time). On the concrete `SIMD8<Float>` and `SIMD8<Double>` they are vector
/// compares and blends, so each helper works on the concrete type; the type test folds away when
/// the caller is specialised.
extension SIMD8 where Scalar: TensorScalar {
    /// The sum of the eight lanes, as a tree of scalar additions (the standard library's `sum()`
    /// stays a generic call).
    @inline(__always)
    func laneSum() -> Scalar {
        ((self[0] + self[4]) + (self[2] + self[6])) + ((self[1] + self[5]) + (self[3] + self[7]))
    }

    /// max(self, other), lane by lane (where either is NaN, self).
    @inline(__always)
    func laneMaximum(_ other: Self) -> Self {
        if Scalar.self == Float.self {
            let a = unsafeBitCast(self, to: SIMD8<Float>.self), b = unsafeBitCast(other, to: SIMD8<Float>.self)
            return unsafeBitCast(a.replacing(with: b, where: b .> a), to: Self.self)
        }
        if Scalar.self == Double.self {
            let a = unsafeBitCast(self, to: SIMD8<Double>.self), b = unsafeBitCast(other, to: SIMD8<Double>.self)
            return unsafeBitCast(a.replacing(with: b, where: b .> a), to: Self.self)
        }
        return replacing(with: other, where: other .> self)
    }

    /// Where `candidate` is strictly greater than self: self ← candidate and argument ← index
    /// (ties keep the earlier index).
    @inline(__always)
    mutating func formMaximum(_ candidate: Self, index: Scalar, argument: inout Self) {
        if Scalar.self == Float.self {
            var best = unsafeBitCast(self, to: SIMD8<Float>.self)
            var from = unsafeBitCast(argument, to: SIMD8<Float>.self)
            let value = unsafeBitCast(candidate, to: SIMD8<Float>.self), better = value .> best
            best.replace(with: value, where: better)
            from.replace(with: unsafeBitCast(index, to: Float.self), where: better)
            (self, argument) = (unsafeBitCast(best, to: Self.self), unsafeBitCast(from, to: Self.self))
        } else if Scalar.self == Double.self {
            var best = unsafeBitCast(self, to: SIMD8<Double>.self)
            var from = unsafeBitCast(argument, to: SIMD8<Double>.self)
            let value = unsafeBitCast(candidate, to: SIMD8<Double>.self), better = value .> best
            best.replace(with: value, where: better)
            from.replace(with: unsafeBitCast(index, to: Double.self), where: better)
            (self, argument) = (unsafeBitCast(best, to: Self.self), unsafeBitCast(from, to: Self.self))
        } else {
            let better = candidate .> self
            replace(with: candidate, where: better)
            argument.replace(with: index, where: better)
        }
    }

    /// self with 0 in every lane where `reference` is −∞.
    @inline(__always)
    func zeroed(whereImpossible reference: Self) -> Self {
        if Scalar.self == Float.self {
            let a = unsafeBitCast(self, to: SIMD8<Float>.self), r = unsafeBitCast(reference, to: SIMD8<Float>.self)
            return unsafeBitCast(a.replacing(with: 0, where: r .== -.infinity), to: Self.self)
        }
        if Scalar.self == Double.self {
            let a = unsafeBitCast(self, to: SIMD8<Double>.self), r = unsafeBitCast(reference, to: SIMD8<Double>.self)
            return unsafeBitCast(a.replacing(with: 0, where: r .== -.infinity), to: Self.self)
        }
        return replacing(with: 0, where: reference .== -.infinity)
    }
}
