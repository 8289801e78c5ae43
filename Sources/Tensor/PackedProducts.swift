import CDNNL

/// The matmul primitives `Y (+)= X · W` of one weight matrix W (k, n), one per row count, strides
/// and accumulation, made on first use and sharing the packed copies of W among them (a primitive
/// of another row count often wants the same layout). What `PackedWeights`, `QuantizedWeights` and
/// `BFloat16Weights` keep; not thread-safe (their locks serialise it).
struct PackedProducts {
    let k: Int, n: Int
    let types: ProductTypes
    /// W's layout where it is given: (k, n) read from row-major (n, k) rows `leadingDimension` apart.
    let given: dnnl_memory_desc_t
    var products: [ProductKey: PackedProduct] = [:]
    var copies: [PackedCopy] = []

    init(k: Int, n: Int, leadingDimension: Int, types: ProductTypes) {
        (self.k, self.n, self.types) = (k, n, types)
        given = OneDNN.descriptor(k, n, strides: [1, leadingDimension], type: types.weights)
    }

    /// The primitive for `key`; a new one packs W from `weights` (elements of `types.weights`),
    /// starting `offset` elements in, unless a kept copy is in the layout it wants.
    mutating func product<Element>(_ key: ProductKey, weights: [Element], offset: Int = 0) -> PackedProduct {
        if let known = products[key] { return known }
        let made = weights.withUnsafeBufferPointer { w in
            PackedProduct(key: key, k: k, n: n, weights: UnsafeRawPointer(w.baseAddress! + offset), given: given,
                          copies: &copies, types: types)
        }
        products[key] = made
        return made
    }
}
