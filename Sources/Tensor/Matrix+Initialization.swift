/// Seeded random initialisations. Fan-in is `cols` and fan-out is `rows`, as for a weight `W` used as
/// `y = x Wᵀ` with W of shape (out, in), which is PyTorch's layout.
extension Matrix {
    /// Entries uniform in [-bound, bound).
    public static func uniform(
        rows: Int, cols: Int, bound: Double, using generator: inout SeededGenerator
    ) -> Matrix {
        var m = Matrix(rows: rows, cols: cols)
        for i in 0..<m.count { m.storage[i] = Scalar((generator.nextUnit() * 2 - 1) * bound) }
        return m
    }

    /// Entries normal with the given mean and standard deviation.
    public static func normal(
        rows: Int, cols: Int, mean: Double = 0, standardDeviation: Double,
        using generator: inout SeededGenerator
    ) -> Matrix {
        var m = Matrix(rows: rows, cols: cols)
        for i in 0..<m.count { m.storage[i] = Scalar(mean + standardDeviation * generator.nextNormal()) }
        return m
    }

    /// Xavier/Glorot uniform: U(-a, a) with a = gain · √(6 / (fan_in + fan_out)).
    public static func xavierUniform(
        rows: Int, cols: Int, gain: Double = 1, using generator: inout SeededGenerator
    ) -> Matrix {
        uniform(rows: rows, cols: cols,
                bound: gain * (6.0 / Double(rows + cols)).squareRoot(), using: &generator)
    }

    /// A (semi-)orthogonal matrix: QR of a normal matrix, rows or columns orthonormal (whichever is
    /// the smaller count), scaled by `gain`. The standard initialisation for recurrent weights.
    public static func orthogonal(
        rows: Int, cols: Int, gain: Double = 1, using generator: inout SeededGenerator
    ) -> Matrix {
        // Orthonormalise the longer side's vectors: work on (tall) vectors of length `long`.
        let tall = rows >= cols
        let (count, length) = tall ? (cols, rows) : (rows, cols)
        var vectors = (0..<count).map { _ in (0..<length).map { _ in generator.nextNormal() } }
        // Modified Gram–Schmidt, in Double.
        for i in 0..<count {
            for j in 0..<i {
                let dot = zip(vectors[i], vectors[j]).reduce(0) { $0 + $1.0 * $1.1 }
                for e in 0..<length { vectors[i][e] -= dot * vectors[j][e] }
            }
            let norm = vectors[i].reduce(0) { $0 + $1 * $1 }.squareRoot()
            for e in 0..<length { vectors[i][e] /= norm }
        }
        var m = Matrix(rows: rows, cols: cols)
        for i in 0..<count {
            for e in 0..<length {
                if tall { m[e, i] = Scalar(gain * vectors[i][e]) } else { m[i, e] = Scalar(gain * vectors[i][e]) }
            }
        }
        return m
    }
}
