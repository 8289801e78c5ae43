import Tensor

/// A learned embedding table, PyTorch's `nn.Embedding`: row `id` of the table is the vector of token
/// `id`. Forward is a row gather (never a dense one-hot product); backward scatters the output
/// gradient back into the rows that were used, so its cost is proportional to the batch, not to V.
///
///     y_n = E[id_n]            E (V, D), ids (N) → y (N, D)
///     ∂E[id_n] += ∂y_n         (except for `paddingIndex`, whose row stays zero and untrained)
///
/// This is also the one-hot encoding: onehot(id) · E = E[id], computed as a gather.
public final class Embedding<Scalar: TensorScalar>: ParameterOwner {
    public let table: Parameter<Scalar>
    public let paddingIndex: Int?
    /// A frozen table (e.g. pretrained vectors) gets no gradient and optimizers leave it unchanged;
    /// it is still one of `parameters`, so model files keep it.
    public var isFrozen: Bool {
        get { table.isFrozen }
        set { table.isFrozen = newValue }
    }

    /// Initialisation as PyTorch's: N(0, 1); the padding row is zero.
    public init(
        vocabularySize: Int, dimension: Int, paddingIndex: Int? = nil, name: String = "weight",
        generator: inout SeededGenerator
    ) {
        var value = Matrix<Scalar>.normal(rows: vocabularySize, cols: dimension, standardDeviation: 1,
                                          using: &generator)
        if let paddingIndex {
            for j in 0..<dimension { value[paddingIndex, j] = 0 }
        }
        self.table = Parameter(name: name, value: value)
        self.paddingIndex = paddingIndex
    }

    /// Wraps given vectors (V, D), for example pretrained ones.
    public init(table value: Matrix<Scalar>, paddingIndex: Int? = nil, name: String = "weight", frozen: Bool = false) {
        self.table = Parameter(name: name, value: value)
        self.paddingIndex = paddingIndex
        self.table.isFrozen = frozen
    }

    public var parameters: [Parameter<Scalar>] { [table] }
    public var vocabularySize: Int { table.value.rows }
    public var dimension: Int { table.value.cols }

    /// ids (N) → vectors (N, D).
    public func forward(_ ids: [Int]) -> Matrix<Scalar> {
        let D = dimension, V = vocabularySize
        var output = Matrix<Scalar>(rows: ids.count, cols: D)
        table.value.storage.withUnsafeBufferPointer { table in
            output.storage.withUnsafeMutableBufferPointer { out in
                for (n, id) in ids.enumerated() {
                    precondition(id >= 0 && id < V, "token id \(id) outside 0..<\(V)")
                    (out.baseAddress! + n * D).update(from: table.baseAddress! + id * D, count: D)
                }
            }
        }
        return output
    }

    /// Adds ∂y (N, D) into the rows of the table gradient that `ids` used.
    public func backward(outputGradient: Matrix<Scalar>, ids: [Int]) {
        guard !isFrozen else { return }
        let D = dimension
        precondition(outputGradient.rows == ids.count && outputGradient.cols == D, "gradient shape")
        outputGradient.storage.withUnsafeBufferPointer { dy in
            table.gradient.storage.withUnsafeMutableBufferPointer { dE in
                for (n, id) in ids.enumerated() where id != paddingIndex {
                    let source = dy.baseAddress! + n * D, target = dE.baseAddress! + id * D
                    for j in 0..<D { target[j] += source[j] }
                }
            }
        }
    }
}
