import CDNNL

/// A matrix product `C (+)= A · W` run many times with the same W and shapes, and a different A and
/// C each time: the recurrent step's `h_{t-1} W_hhᵀ`, T times per layer.
///
/// For Float, W is reordered once into the layout oneDNN's matmul primitive prefers ("packed") and
/// every product reuses it; `dnnl_sgemm` would pack W again on each call. On this machine's per-step
/// shapes that is 15-45% faster (Scripts/bench/dnnl_matmul_probe.c). For Double it is `gemm`.
///
/// Shapes: A (m, k) with row stride `lda`; W (k, n), given row-major (k, n), or, with `transposed`,
/// as its transpose stored row-major (n, k); C (m, n) with row stride `ldc`.
public final class RepeatedProduct<Scalar: TensorScalar> {
    let m: Int, k: Int, n: Int, lda: Int, ldc: Int
    let accumulate: Bool
    let packed: PackedMatmul?            // Float on oneDNN
    let weights: [Scalar]                // the Double path's copy of W as given
    let transposed: Bool

    public init(m: Int, k: Int, n: Int, lda: Int, ldc: Int, accumulate: Bool,
                weights: UnsafePointer<Scalar>, transposed: Bool) {
        (self.m, self.k, self.n, self.lda, self.ldc, self.accumulate) = (m, k, n, lda, ldc, accumulate)
        self.transposed = transposed
        if Scalar.self == Float.self, m > 0 {
            packed = PackedMatmul(m: m, k: k, n: n, lda: lda, ldc: ldc, accumulate: accumulate,
                                  weights: UnsafeRawPointer(weights).assumingMemoryBound(to: Float.self),
                                  transposed: transposed)
            self.weights = []
        } else {
            packed = nil
            self.weights = Array(UnsafeBufferPointer(start: weights, count: k * n))
        }
    }

    /// C (+)= A · W
    public func callAsFunction(_ a: UnsafePointer<Scalar>, into c: UnsafeMutablePointer<Scalar>) {
        if let packed {
            packed.run(UnsafeRawPointer(a), UnsafeMutableRawPointer(c))
        } else {
            weights.withUnsafeBufferPointer { w in
                Scalar.gemm(transposeA: false, transposeB: transposed, m: m, n: n, k: k, alpha: 1,
                            a: a, lda: lda, b: w.baseAddress!, ldb: transposed ? k : n,
                            beta: accumulate ? 1 : 0, c: c, ldc: ldc)
            }
        }
    }
}

/// oneDNN's f32 matmul primitive with its weights packed once (see `RepeatedProduct`).
final class PackedMatmul {
    nonisolated(unsafe) static let engine: dnnl_engine_t = {
        var engine: dnnl_engine_t?
        check(dnnl_engine_create(&engine, dnnl_cpu, 0))
        return engine!
    }()

    let stream: dnnl_stream_t
    let primitive: dnnl_primitive_t
    let source: dnnl_memory_t
    let packedWeights: dnnl_memory_t
    let destination: dnnl_memory_t

    init(m: Int, k: Int, n: Int, lda: Int, ldc: Int, accumulate: Bool,
         weights: UnsafePointer<Float>, transposed: Bool) {
        let engine = Self.engine
        var stream: dnnl_stream_t?
        check(dnnl_stream_create(&stream, engine, UInt32(dnnl_stream_default_flags.rawValue)))
        self.stream = stream!

        func descriptor(_ rows: Int, _ cols: Int, strides: [Int]?) -> dnnl_memory_desc_t {
            var md = dnnl_memory_desc_t()
            let dims: [Int64] = [Int64(rows), Int64(cols)]
            if let strides {
                let s = strides.map(Int64.init)
                check(dnnl_memory_desc_init_by_strides(&md, 2, dims, dnnl_f32, s))
            } else {
                check(dnnl_memory_desc_init_by_tag(&md, 2, dims, dnnl_f32, dnnl_format_tag_any))
            }
            return md
        }
        var sourceMD = descriptor(m, k, strides: [lda, 1])
        var givenWeightsMD = descriptor(k, n, strides: transposed ? [1, k] : [n, 1])
        var anyWeightsMD = descriptor(k, n, strides: nil)
        var destinationMD = descriptor(m, n, strides: [ldc, 1])

        var attributes: dnnl_primitive_attr_t?
        check(dnnl_primitive_attr_create(&attributes))
        defer { dnnl_primitive_attr_destroy(attributes) }
        if accumulate {
            var postOps: dnnl_post_ops_t?
            check(dnnl_post_ops_create(&postOps))
            check(dnnl_post_ops_append_sum(postOps, 1))
            check(dnnl_primitive_attr_set_post_ops(attributes, postOps))
            dnnl_post_ops_destroy(postOps)
        }
        var matmul = dnnl_matmul_desc_t()
        check(dnnl_matmul_desc_init(&matmul, &sourceMD, &anyWeightsMD, nil, &destinationMD))
        var descriptorHandle: dnnl_primitive_desc_t?
        check(dnnl_primitive_desc_create(&descriptorHandle, &matmul, attributes, engine, nil))
        defer { dnnl_primitive_desc_destroy(descriptorHandle) }
        var primitive: dnnl_primitive_t?
        check(dnnl_primitive_create(&primitive, descriptorHandle))
        self.primitive = primitive!

        let packedMD = dnnl_primitive_desc_query_md(descriptorHandle, dnnl_query_weights_md, 0)!
        var packedWeights: dnnl_memory_t?, given: dnnl_memory_t?, source: dnnl_memory_t?, destination: dnnl_memory_t?
        check(dnnl_memory_create(&packedWeights, packedMD, engine, UnsafeMutableRawPointer(bitPattern: -1)))  // DNNL_MEMORY_ALLOCATE
        check(dnnl_memory_create(&given, &givenWeightsMD, engine, UnsafeMutableRawPointer(mutating: weights)))
        check(dnnl_memory_create(&source, &sourceMD, engine, nil))
        check(dnnl_memory_create(&destination, &destinationMD, engine, nil))
        (self.packedWeights, self.source, self.destination) = (packedWeights!, source!, destination!)

        var reorderDescriptor: dnnl_primitive_desc_t?
        check(dnnl_reorder_primitive_desc_create(&reorderDescriptor, &givenWeightsMD, engine, packedMD, engine, nil))
        var reorder: dnnl_primitive_t?
        check(dnnl_primitive_create(&reorder, reorderDescriptor))
        var arguments = [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: given), dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: packedWeights)]
        check(dnnl_primitive_execute(reorder, self.stream, 2, &arguments))
        check(dnnl_stream_wait(self.stream))
        dnnl_primitive_destroy(reorder)
        dnnl_primitive_desc_destroy(reorderDescriptor)
        dnnl_memory_destroy(given)
    }

    deinit {
        dnnl_primitive_destroy(primitive)
        dnnl_memory_destroy(packedWeights)
        dnnl_memory_destroy(source)
        dnnl_memory_destroy(destination)
        dnnl_stream_destroy(stream)
    }

    func run(_ a: UnsafeRawPointer, _ c: UnsafeMutableRawPointer) {
        check(dnnl_memory_set_data_handle(source, UnsafeMutableRawPointer(mutating: a)))
        check(dnnl_memory_set_data_handle(destination, c))
        var arguments = [dnnl_exec_arg_t(arg: DNNL_ARG_SRC, memory: source),
                         dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS, memory: packedWeights),
                         dnnl_exec_arg_t(arg: DNNL_ARG_DST, memory: destination)]
        check(dnnl_primitive_execute(primitive, stream, 3, &arguments))
        check(dnnl_stream_wait(stream))
    }
}

@inline(__always)
private func check(_ status: dnnl_status_t, line: UInt = #line) {
    precondition(status == dnnl_success, "oneDNN call failed with status \(status.rawValue) (RepeatedProduct.swift:\(line))")
}
