import Tensor

/// An affine layer, PyTorch's `nn.Linear`:
///
///     y = x Wᵀ + b            x (N, in), W (out, in), b (out) → y (N, out)
///     ∂x = ∂y W    ∂W += ∂yᵀ x    ∂b += Σ_rows ∂y
public final class Linear<Scalar: TensorScalar>: ParameterOwner {
    public let weight: Parameter<Scalar>
    public let bias: Parameter<Scalar>?

    /// Initialisation as PyTorch's: U(−1/√in, 1/√in) for weight and bias.
    public init(
        inputSize: Int, outputSize: Int, bias: Bool = true, prefix: String = "",
        generator: inout SeededGenerator
    ) {
        let bound = 1 / Double(inputSize).squareRoot()
        weight = Parameter(name: prefix + "weight",
                           value: .uniform(rows: outputSize, cols: inputSize, bound: bound, using: &generator))
        self.bias = bias
            ? Parameter(name: prefix + "bias",
                        value: .uniform(rows: 1, cols: outputSize, bound: bound, using: &generator),
                        shape: [outputSize])
            : nil
    }

    /// A layer on existing parameters: `weight` (out, in) may be shared with another layer (tied
    /// embeddings), and then receives both layers' gradients.
    public init(weight: Parameter<Scalar>, bias: Parameter<Scalar>?) {
        precondition(bias.map { $0.value.count == weight.value.rows } ?? true, "bias of another width than the weight's rows")
        self.weight = weight
        self.bias = bias
    }

    public var parameters: [Parameter<Scalar>] { [weight] + (bias.map { [$0] } ?? []) }
    public var inputSize: Int { weight.value.cols }
    public var outputSize: Int { weight.value.rows }

    /// x (N, in) → y (N, out)
    public func forward(_ input: Matrix<Scalar>) -> Matrix<Scalar> {
        var output = weight.forwardProduct(input)
        if let bias { output.addRowVector(bias.value) }
        return output
    }

    /// Adds ∂W and ∂b; returns ∂x (N, in).
    public func backward(outputGradient: Matrix<Scalar>, input: Matrix<Scalar>) -> Matrix<Scalar> {
        weight.gradient.addProduct(outputGradient, input, transposeA: true)
        bias?.gradient.addColumnSums(of: outputGradient)
        return Matrix.product(outputGradient, weight.value)
    }
}
