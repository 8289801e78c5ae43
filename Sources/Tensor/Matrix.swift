/// A dense row-major matrix: the one tensor type of the numeric core.
///
/// Sequences are stored time-major and flattened: a batch of `T` steps of `B` vectors of width `D` is
/// a `(T*B, D)` matrix whose row `t*B + b` is step `t` of sequence `b`. Value semantics (copy on
/// write through the backing array); hot loops work on the storage's unsafe buffer pointers.
public struct Matrix<Scalar: TensorScalar>: Equatable, Sendable {
    public let rows: Int
    public let cols: Int
    /// `rows * cols` scalars, row after row.
    public var storage: [Scalar]

    /// A zero matrix of shape (rows, cols).
    @inlinable
    public init(rows: Int, cols: Int) {
        self.init(rows: rows, cols: cols, repeating: 0)
    }

    @inlinable
    public init(rows: Int, cols: Int, repeating value: Scalar) {
        precondition(rows >= 0 && cols >= 0, "negative matrix shape (\(rows), \(cols))")
        self.rows = rows
        self.cols = cols
        self.storage = Array(repeating: value, count: rows * cols)
    }

    /// A matrix whose entries are left unset: for buffers the caller overwrites completely before
    /// reading (a product with β = 0, a step's outputs), so no time is spent zeroing them.
    @inlinable
    public init(uninitializedRows rows: Int, cols: Int) {
        precondition(rows >= 0 && cols >= 0, "negative matrix shape (\(rows), \(cols))")
        self.rows = rows
        self.cols = cols
        self.storage = Array(unsafeUninitializedCapacity: rows * cols) { _, count in count = rows * cols }
    }

    /// Wraps `storage` (row-major, `rows * cols` scalars).
    @inlinable
    public init(rows: Int, cols: Int, storage: [Scalar]) {
        precondition(storage.count == rows * cols,
                     "storage of \(storage.count) scalars for a (\(rows), \(cols)) matrix")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// The same values in another scalar type (Float ↔ Double for gradient checks and fixtures).
    @inlinable
    public init<Other: TensorScalar>(_ other: Matrix<Other>) {
        self.init(rows: other.rows, cols: other.cols, storage: other.storage.map { Scalar($0) })
    }

    @inlinable public var count: Int { rows * cols }

    @inlinable
    public subscript(row: Int, col: Int) -> Scalar {
        get { storage[row * cols + col] }
        set { storage[row * cols + col] = newValue }
    }

    /// Sets every entry to zero without reallocating.
    @inlinable
    public mutating func zero() {
        storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    /// Reinterprets the same storage with another shape of the same size.
    @inlinable
    public func reshaped(rows newRows: Int, cols newCols: Int) -> Matrix {
        Matrix(rows: newRows, cols: newCols, storage: storage)
    }

    /// Rows `range` as a new matrix.
    @inlinable
    public func rows(_ range: Range<Int>) -> Matrix {
        Matrix(rows: range.count, cols: cols,
               storage: Array(storage[(range.lowerBound * cols)..<(range.upperBound * cols)]))
    }

    /// The transpose, (cols, rows).
    @inlinable
    public var transposed: Matrix {
        var result = Matrix(uninitializedRows: cols, cols: rows)
        let (rows, cols) = (self.rows, self.cols)
        storage.withUnsafeBufferPointer { source in
            result.storage.withUnsafeMutableBufferPointer { target in
                // 32×32 tiles keep both sides in cache.
                for r0 in stride(from: 0, to: rows, by: 32) {
                    for c0 in stride(from: 0, to: cols, by: 32) {
                        for r in r0..<Swift.min(r0 + 32, rows) {
                            for c in c0..<Swift.min(c0 + 32, cols) { target[c * rows + r] = source[r * cols + c] }
                        }
                    }
                }
            }
        }
        return result
    }
}

extension Matrix {
    /// `op(a) · op(b)`, with op the optional transpose. Shapes: op(a) (m, k), op(b) (k, n) → (m, n).
    @inlinable
    public static func product(
        _ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false
    ) -> Matrix {
        let m = transposeA ? a.cols : a.rows
        let n = transposeB ? b.rows : b.cols
        var c = Matrix(uninitializedRows: m, cols: n)
        c.addProduct(a, b, transposeA: transposeA, transposeB: transposeB, beta: 0)
        return c
    }

    /// `self ← α · op(a) · op(b) + β · self` on oneDNN (Float) or plain loops (Double).
    @inlinable
    public mutating func addProduct(
        _ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false,
        alpha: Scalar = 1, beta: Scalar = 1
    ) {
        let m = transposeA ? a.cols : a.rows
        let k = transposeA ? a.rows : a.cols
        let n = transposeB ? b.rows : b.cols
        precondition((transposeB ? b.cols : b.rows) == k,
                     "inner dimensions differ: (\(m), \(k)) · (\(transposeB ? b.cols : b.rows), \(n))")
        precondition(rows == m && cols == n, "product (\(m), \(n)) into a (\(rows), \(cols)) matrix")
        let (lda, ldb, ldc) = (a.cols, b.cols, cols)
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                storage.withUnsafeMutableBufferPointer { pc in
                    Scalar.gemm(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                        alpha: alpha, a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb,
                        beta: beta, c: pc.baseAddress!, ldc: ldc)
                }
            }
        }
    }

    /// Adds `bias` (a (1, cols) row) to every row.
    @inlinable
    public mutating func addRowVector(_ bias: Matrix) {
        precondition(bias.count == cols, "bias of \(bias.count) for \(cols) columns")
        let (rows, cols) = (self.rows, self.cols)
        bias.storage.withUnsafeBufferPointer { b in
            storage.withUnsafeMutableBufferPointer { m in
                for r in 0..<rows {
                    let row = m.baseAddress! + r * cols
                    for c in 0..<cols { row[c] += b[c] }
                }
            }
        }
    }

    /// Accumulates the column sums of `source` into this (1, cols) row: the gradient of a bias.
    @inlinable
    public mutating func addColumnSums(of source: Matrix) {
        precondition(count == source.cols, "column sums of \(source.cols) into \(count)")
        let (rows, cols) = (source.rows, source.cols)
        source.storage.withUnsafeBufferPointer { s in
            storage.withUnsafeMutableBufferPointer { out in
                for r in 0..<rows {
                    let row = s.baseAddress! + r * cols
                    for c in 0..<cols { out[c] += row[c] }
                }
            }
        }
    }

    /// self += α · other, element-wise.
    @inlinable
    public mutating func add(_ other: Matrix, scaledBy alpha: Scalar = 1) {
        precondition(count == other.count, "adding \(other.count) scalars to \(count)")
        other.storage.withUnsafeBufferPointer { o in
            storage.withUnsafeMutableBufferPointer { s in
                for i in 0..<s.count { s[i] += alpha * o[i] }
            }
        }
    }

    /// The sum of squares of all entries.
    @inlinable
    public var squaredNorm: Scalar {
        storage.withUnsafeBufferPointer { s in
            var sum: Scalar = 0
            for x in s { sum += x * x }
            return sum
        }
    }
}
