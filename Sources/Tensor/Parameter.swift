/// A named, trainable tensor with its gradient.
///
/// Layers own their parameters; optimizers update them in place through the same references, and
/// model files store them by `name`. Names follow PyTorch's `state_dict` keys
/// (`encoder.rnn.weight_ih_l0_reverse`) so weights can be exchanged with PyTorch.
public final class Parameter<Scalar: TensorScalar> {
    public let name: String
    /// The shape as stored in files: `[rows, cols]` for a weight, `[count]` for a bias vector.
    public let shape: [Int]
    public var value: Matrix<Scalar>
    /// ∂loss/∂value, accumulated (`+=`) by backward passes; cleared by `zeroGradient()`.
    public var gradient: Matrix<Scalar>
    /// A frozen parameter (e.g. pretrained vectors kept fixed) is saved and loaded with the others
    /// but left unchanged by optimizers.
    public var isFrozen = false
    /// `value` packed for forward products at a reduced precision, kept while `value` is unchanged.
    let reducedPrecisionWeights = DerivedValueCache<PackedWeights<Scalar>>()

    public init(name: String, value: Matrix<Scalar>, shape: [Int]? = nil) {
        let shape = shape ?? [value.rows, value.cols]
        precondition(shape.reduce(1, *) == value.count, "shape \(shape) for \(value.count) scalars")
        self.name = name
        self.shape = shape
        self.value = value
        self.gradient = Matrix(rows: value.rows, cols: value.cols)
    }

    public func zeroGradient() { gradient.zero() }

    /// x · valueᵀ for a layer's forward pass, x (m, k), value (n, k) → (m, n), at
    /// `NumericRuntime.precision`: `Matrix.product` in f32 (and for Double); at int8 or bf16 the
    /// product of `forwardWeights()`.
    public func forwardProduct(_ x: Matrix<Scalar>) -> Matrix<Scalar> {
        guard x.rows > 0, let packed = keptReducedPrecisionWeights() else {
            return Matrix.product(x, value, transposeB: true)
        }
        precondition(x.cols == value.cols, "inner dimensions differ: (\(x.rows), \(x.cols)) · (\(value.cols), \(value.rows))")
        var y = Matrix<Scalar>(uninitializedRows: x.rows, cols: value.rows)
        x.storage.withUnsafeBufferPointer { px in
            y.storage.withUnsafeMutableBufferPointer { py in
                packed.product(px.baseAddress!, rows: x.rows, ldx: x.cols, into: py.baseAddress!, ldy: value.rows,
                               accumulate: false)
            }
        }
        return y
    }

    /// `value` packed for forward products. At int8 or bf16 precision one copy, converted on first
    /// use and kept until `value` changes (inference: the weights stay, the sentences come and go);
    /// in f32 a new packing each time, since training changes `value` at every step and a kept copy
    /// would make the optimizer's in-place update copy the whole array.
    public func forwardWeights() -> PackedWeights<Scalar> { keptReducedPrecisionWeights() ?? PackedWeights(value) }

    /// At int8 or bf16 precision (Float), the kept copy of `value`, made again if `value` changed.
    func keptReducedPrecisionWeights() -> PackedWeights<Scalar>? {
        guard Scalar.self == Float.self, NumericRuntime.precision != .f32 else { return nil }
        return reducedPrecisionWeights.value(isCurrent: { $0.isSnapshot(of: value) }, make: { PackedWeights(value) })
    }
}

/// Anything that owns trainable parameters: a layer, a stack of layers, a whole model.
public protocol ParameterOwner {
    associatedtype Scalar: TensorScalar
    /// Every trainable parameter, in a fixed order (the order optimizers and files see).
    var parameters: [Parameter<Scalar>] { get }
}

extension ParameterOwner {
    public func zeroGradients() { for p in parameters { p.zeroGradient() } }

    /// Stops with the offending names if two parameters share a name: files, optimizer state and
    /// PyTorch interchange are all keyed by name, so a collision would silently merge them.
    public func requireUniqueParameterNames() {
        var seen = Set<String>(), repeated: [String] = []
        for p in parameters where !seen.insert(p.name).inserted { repeated.append(p.name) }
        precondition(repeated.isEmpty, "parameter names used more than once: \(repeated) (give layers distinct prefixes)")
    }

    /// The parameter called `name`, if any.
    public func parameter(named name: String) -> Parameter<Scalar>? {
        parameters.first { $0.name == name }
    }
}
