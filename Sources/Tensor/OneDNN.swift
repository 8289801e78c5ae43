import CDNNL

/// The oneDNN calls `RepeatedProduct` and `PackedWeights` share: one CPU engine, status checks, and
/// the three steps of a product y (m, n) (+)= x (m, k) · W (k, n) on packed weights: create the
/// matmul primitive (oneDNN chooses W's layout), reorder W into that layout once, execute.
enum OneDNN {
    nonisolated(unsafe) static let engine: dnnl_engine_t = {
        var engine: dnnl_engine_t?
        check(dnnl_engine_create(&engine, dnnl_cpu, 0))
        return engine!
    }()

    @inline(__always)
    static func check(_ status: dnnl_status_t, file: StaticString = #fileID, line: UInt = #line) {
        precondition(status == dnnl_success, "oneDNN call failed with status \(status.rawValue) (\(file):\(line))")
    }

    static func makeStream() -> dnnl_stream_t {
        var stream: dnnl_stream_t?
        check(dnnl_stream_create(&stream, engine, UInt32(dnnl_stream_default_flags.rawValue)))
        return stream!
    }

    /// A 2-D memory descriptor of `type` elements; `strides` nil lets oneDNN choose the layout
    /// (`format_tag_any`).
    static func descriptor(_ rows: Int, _ cols: Int, strides: [Int]?, type: dnnl_data_type_t = dnnl_f32) -> dnnl_memory_desc_t {
        var md = dnnl_memory_desc_t()
        let dims: [Int64] = [Int64(rows), Int64(cols)]
        if let strides {
            check(dnnl_memory_desc_init_by_strides(&md, 2, dims, type, strides.map(Int64.init)))
        } else {
            check(dnnl_memory_desc_init_by_tag(&md, 2, dims, type, dnnl_format_tag_any))
        }
        return md
    }

    /// The matmul primitive for `source` (m, k) and `destination` (m, n) with weights of
    /// `weightsType`, adding into the destination when `accumulate` (a sum post-op), and the
    /// weights layout it wants.
    static func matmul(
        source: inout dnnl_memory_desc_t, destination: inout dnnl_memory_desc_t, k: Int, n: Int, accumulate: Bool,
        weightsType: dnnl_data_type_t = dnnl_f32
    ) -> (primitive: dnnl_primitive_t, weights: dnnl_memory_desc_t) {
        var anyWeights = descriptor(k, n, strides: nil, type: weightsType)
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
        check(dnnl_matmul_desc_init(&matmul, &source, &anyWeights, nil, &destination))
        var descriptorHandle: dnnl_primitive_desc_t?
        check(dnnl_primitive_desc_create(&descriptorHandle, &matmul, attributes, engine, nil))
        defer { dnnl_primitive_desc_destroy(descriptorHandle) }
        var primitive: dnnl_primitive_t?
        check(dnnl_primitive_create(&primitive, descriptorHandle))
        return (primitive!, dnnl_primitive_desc_query_md(descriptorHandle, dnnl_query_weights_md, 0)!.pointee)
    }

    /// Whether oneDNN has a matmul for `types` on this CPU (it finds one for a small product).
    static func hasMatmul(_ types: ProductTypes) -> Bool {
        var source = descriptor(4, 32, strides: [32, 1], type: types.source)
        var destination = descriptor(4, 32, strides: [32, 1], type: types.destination)
        var weights = descriptor(32, 32, strides: nil, type: types.weights)
        var matmul = dnnl_matmul_desc_t()
        guard dnnl_matmul_desc_init(&matmul, &source, &weights, nil, &destination) == dnnl_success else { return false }
        var descriptorHandle: dnnl_primitive_desc_t?
        guard dnnl_primitive_desc_create(&descriptorHandle, &matmul, nil, engine, nil) == dnnl_success else { return false }
        dnnl_primitive_desc_destroy(descriptorHandle)
        return true
    }

    /// A new memory in layout `packed` holding the weights at `weights`, laid out as `given`.
    static func packedCopy(
        of weights: UnsafeRawPointer, given: dnnl_memory_desc_t, packed: dnnl_memory_desc_t, stream: dnnl_stream_t
    ) -> dnnl_memory_t {
        var (given, packed) = (given, packed)
        var memory: dnnl_memory_t?, source: dnnl_memory_t?
        check(dnnl_memory_create(&memory, &packed, engine, UnsafeMutableRawPointer(bitPattern: -1)))  // DNNL_MEMORY_ALLOCATE
        check(dnnl_memory_create(&source, &given, engine, UnsafeMutableRawPointer(mutating: weights)))
        var reorderDescriptor: dnnl_primitive_desc_t?
        check(dnnl_reorder_primitive_desc_create(&reorderDescriptor, &given, engine, &packed, engine, nil))
        var reorder: dnnl_primitive_t?
        check(dnnl_primitive_create(&reorder, reorderDescriptor))
        var arguments = [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: source), dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: memory)]
        check(dnnl_primitive_execute(reorder, stream, 2, &arguments))
        check(dnnl_stream_wait(stream))
        dnnl_primitive_destroy(reorder)
        dnnl_primitive_desc_destroy(reorderDescriptor)
        dnnl_memory_destroy(source)
        return memory!
    }

    /// A memory of layout `descriptor` whose data pointer is set before each use.
    static func handle(_ descriptor: dnnl_memory_desc_t) -> dnnl_memory_t {
        var descriptor = descriptor
        var memory: dnnl_memory_t?
        check(dnnl_memory_create(&memory, &descriptor, engine, nil))
        return memory!
    }

    /// Runs `primitive` on x and y (pointed to by the `source` and `destination` handles) and the
    /// packed `weights`, and waits for it.
    static func execute(
        _ primitive: dnnl_primitive_t, stream: dnnl_stream_t, source: dnnl_memory_t, _ x: UnsafeRawPointer,
        weights: dnnl_memory_t, destination: dnnl_memory_t, _ y: UnsafeMutableRawPointer
    ) {
        check(dnnl_memory_set_data_handle(source, UnsafeMutableRawPointer(mutating: x)))
        check(dnnl_memory_set_data_handle(destination, y))
        var arguments = [dnnl_exec_arg_t(arg: DNNL_ARG_SRC, memory: source),
                         dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS, memory: weights),
                         dnnl_exec_arg_t(arg: DNNL_ARG_DST, memory: destination)]
        check(dnnl_primitive_execute(primitive, stream, 3, &arguments))
        check(dnnl_stream_wait(stream))
    }
}
