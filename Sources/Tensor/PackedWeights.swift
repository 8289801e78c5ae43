import CDNNL
import Foundation

/// A layer's weight W (n, k), or a block of its columns, kept in the layout oneDNN's matmul
/// primitive prefers, for many products with any number of rows:
///
///     y (m, n) (+)= x (m, k) · Wᵀ
///
/// For the steps of a decoder at inference: every step multiplies a few rows (the batch, or one
/// sentence) by the same weights, and `dnnl_sgemm` repacks W on each call, which for a translator's
/// output layer (V × 1024, V in the thousands) is tens of MB read and written per step; packed
/// once, such a product ran 1.5x faster at 64 rows and 2x at one row (one thread).
///
/// W is packed once, in the layout the primitive for the first row count asks for; the primitive
/// of each row count (and row strides, accumulation) is made on first use and kept. A row count
/// whose primitive asks for another layout gets its own packed copy (oneDNN 2.6 asks for the same
/// one at every row count on AVX-512 and AVX2 machines).
///
/// The packed copy is a snapshot: it keeps the storage array it was packed from, so any later write
/// to the weights (an optimizer step, loading a file) copies that array on write, and
/// `isSnapshot(of:)` (same buffer or not) tells exactly whether the packed copy is still current.
/// Products may run from several threads (a lock serialises them). Double: no packing, `gemm` on
/// the snapshot. Float at `NumericRuntime.precision` int8 or bf16: the products of
/// `QuantizedWeights` or `BFloat16Weights`, W converted on the first one.
public final class PackedWeights<Scalar: TensorScalar>: @unchecked Sendable {
    /// n, the rows of W: the width of the products.
    public let outputSize: Int
    /// k, the columns of W packed.
    public let inputSize: Int
    /// The weights as packed, and where the packed block starts in them.
    let snapshot: [Scalar]
    let offset: Int
    let leadingDimension: Int
    let lock = NSLock()
    /// Float: the float32 primitives and packed copies.
    lazy var products = PackedProducts(k: inputSize, n: outputSize, leadingDimension: leadingDimension, types: .float)
    /// Float at int8 or bf16 precision: W converted on the first product at that precision.
    var reduced: (precision: InferencePrecision, weights: any ReducedPrecisionWeights)?

    /// Packs W's columns `columns` (all by default).
    public init(_ weights: Matrix<Scalar>, columns: Range<Int>? = nil) {
        let columns = columns ?? 0..<weights.cols
        precondition(columns.lowerBound >= 0 && columns.upperBound <= weights.cols && !columns.isEmpty,
                     "columns \(columns) of a (\(weights.rows), \(weights.cols)) weight")
        outputSize = weights.rows
        inputSize = columns.count
        snapshot = weights.storage
        offset = columns.lowerBound
        leadingDimension = weights.cols
    }

    /// Whether `weights` is still the very storage that was packed (no write since).
    public func isSnapshot(of weights: Matrix<Scalar>) -> Bool {
        weights.rows == outputSize && weights.cols == leadingDimension
            && weights.storage.withUnsafeBufferPointer { current in
                snapshot.withUnsafeBufferPointer { current.baseAddress == $0.baseAddress }
            }
    }

    /// y (m, n; rows `ldy` apart) (+)= x (m, k; rows `ldx` apart) · Wᵀ.
    public func product(
        _ x: UnsafePointer<Scalar>, rows m: Int, ldx: Int, into y: UnsafeMutablePointer<Scalar>, ldy: Int,
        accumulate: Bool
    ) {
        guard m > 0 else { return }
        precondition(ldx >= inputSize && ldy >= outputSize, "row strides \(ldx), \(ldy) for (\(m), \(inputSize)) · (\(inputSize), \(outputSize))")
        guard Scalar.self == Float.self else {
            snapshot.withUnsafeBufferPointer { w in
                Scalar.gemm(transposeA: false, transposeB: true, m: m, n: outputSize, k: inputSize, alpha: 1,
                            a: x, lda: ldx, b: w.baseAddress! + offset, ldb: leadingDimension,
                            beta: accumulate ? 1 : 0, c: y, ldc: ldy)
            }
            return
        }
        let precision = NumericRuntime.precision
        if precision != .f32 {
            reducedPrecisionWeights(precision).product(
                UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), rows: m, ldx: ldx,
                into: UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self), ldy: ldy, accumulate: accumulate)
            return
        }
        lock.lock()
        defer { lock.unlock() }
        let key = ProductKey(rows: m, ldx: ldx, ldy: ldy, accumulate: accumulate)
        products.product(key, weights: snapshot, offset: offset).run(UnsafeRawPointer(x), UnsafeMutableRawPointer(y))
    }

    /// W (Float) at `precision`, int8 or bf16: the one made last if it is at that precision.
    func reducedPrecisionWeights(_ precision: InferencePrecision) -> any ReducedPrecisionWeights {
        lock.lock()
        defer { lock.unlock() }
        if let reduced, reduced.precision == precision { return reduced.weights }
        let kind: any ReducedPrecisionWeights.Type = precision == .int8 ? QuantizedWeights.self : BFloat16Weights.self
        let made = snapshot.withUnsafeBufferPointer { w in
            kind.init(UnsafeRawPointer(w.baseAddress! + offset).assumingMemoryBound(to: Float.self),
                      rows: outputSize, cols: inputSize, leadingDimension: leadingDimension)
        }
        reduced = (precision, made)
        return made
    }
}

struct ProductKey: Hashable {
    let rows: Int, ldx: Int, ldy: Int
    let accumulate: Bool
}

/// W packed in one layout.
final class PackedCopy {
    let descriptor: dnnl_memory_desc_t
    let memory: dnnl_memory_t

    /// Reorders W (k, n), laid out as `given` says, into `descriptor`.
    init(descriptor: dnnl_memory_desc_t, weights: UnsafeRawPointer, given: dnnl_memory_desc_t, stream: dnnl_stream_t) {
        self.descriptor = descriptor
        memory = OneDNN.packedCopy(of: weights, given: given, packed: descriptor, stream: stream)
    }

    deinit { dnnl_memory_destroy(memory) }
}

/// The element types of a product's X, W and Y: all f32, int8's u8 · s8 → s32, or bf16 · bf16 → f32.
struct ProductTypes {
    let source: dnnl_data_type_t, weights: dnnl_data_type_t, destination: dnnl_data_type_t
    static let float = ProductTypes(source: dnnl_f32, weights: dnnl_f32, destination: dnnl_f32)
    static let int8 = ProductTypes(source: dnnl_u8, weights: dnnl_s8, destination: dnnl_s32)
    static let bfloat16 = ProductTypes(source: dnnl_bf16, weights: dnnl_bf16, destination: dnnl_f32)
}

/// The matmul primitive `Y (+)= X · W` of one row count, on a packed copy of W (k, n) laid out as
/// `given` says: one of `copies` when one is in the layout the primitive wants, else a new one,
/// appended. `PackedWeights` shares copies among its row counts; `RepeatedProduct` has one product.
/// Strides `key.ldx`, `key.ldy` are in elements of X's and Y's types.
final class PackedProduct {
    let stream: dnnl_stream_t
    let primitive: dnnl_primitive_t
    let source: dnnl_memory_t
    let destination: dnnl_memory_t
    let weights: PackedCopy

    init(key: ProductKey, k: Int, n: Int, weights: UnsafeRawPointer, given: dnnl_memory_desc_t,
         copies: inout [PackedCopy], types: ProductTypes = .float) {
        stream = OneDNN.makeStream()
        var sourceMD = OneDNN.descriptor(key.rows, k, strides: [key.ldx, 1], type: types.source)
        var destinationMD = OneDNN.descriptor(key.rows, n, strides: [key.ldy, 1], type: types.destination)
        var wanted: dnnl_memory_desc_t
        (primitive, wanted) = OneDNN.matmul(source: &sourceMD, destination: &destinationMD, k: k, n: n,
                                            accumulate: key.accumulate, weightsType: types.weights)
        // The packed copy in the layout this primitive wants: an existing one, or a new one.
        if let existing = copies.first(where: { copy in
            withUnsafePointer(to: copy.descriptor) { dnnl_memory_desc_equal($0, &wanted) != 0 }
        }) {
            self.weights = existing
        } else {
            self.weights = PackedCopy(descriptor: wanted, weights: weights, given: given, stream: stream)
            copies.append(self.weights)
        }
        (source, destination) = (OneDNN.handle(sourceMD), OneDNN.handle(destinationMD))
    }

    deinit {
        dnnl_primitive_destroy(primitive)
        dnnl_memory_destroy(source)
        dnnl_memory_destroy(destination)
        dnnl_stream_destroy(stream)
    }

    func run(_ x: UnsafeRawPointer, _ y: UnsafeMutableRawPointer) {
        OneDNN.execute(primitive, stream: stream, source: source, x, weights: weights.memory, destination: destination, y)
    }
}

/// One value derived from weights (packed copies of them, say), kept until it is stale: `value`
/// returns the kept value if `isCurrent` says so, otherwise makes, keeps and returns a new one.
/// Thread-safe.
public final class DerivedValueCache<Value>: @unchecked Sendable {
    let lock = NSLock()
    var kept: Value?

    public init() {}

    public func value(isCurrent: (Value) -> Bool, make: () -> Value) -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let kept, isCurrent(kept) { return kept }
        kept = nil   // the stale value's snapshots go before the new ones are made
        let value = make()
        kept = value
        return value
    }
}
