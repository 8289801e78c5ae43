import Tensor

/// A layer that maps a padded, time-major batch of sequences to another: `Recurrent` (one direction)
/// and `Bidirectional` (two). `RecurrentStack` stacks any of them.
///
/// Shapes: input (T·B, D) → output (T·B, outputSize); one state (B, S·H) per direction.
public protocol SequenceLayer: ParameterOwner {
    associatedtype Cache
    var inputSize: Int { get }
    var outputSize: Int { get }
    /// Number of directions, and so of initial and final states.
    var directions: Int { get }
    /// Width of one direction's state row, S·H.
    var stateWidth: Int { get }
    /// ‖∂L/∂h‖ of the last backward pass by distance from each sequence's end
    /// (`Recurrent.hiddenGradientNormsFromEnd`; of the forward direction when there are two).
    var hiddenGradientNormsFromEnd: [Double] { get }

    /// `initialStates`: one (B, S·H) per direction, zeros when nil.
    func forward(_ input: Matrix<Scalar>, lengths: [Int], initialStates: [Matrix<Scalar>]?)
        -> (output: Matrix<Scalar>, finalStates: [Matrix<Scalar>], cache: Cache)

    /// Adds into parameter gradients; returns ∂L/∂input and ∂L/∂ each initial state.
    func backward(outputGradient: Matrix<Scalar>, finalStateGradients: [Matrix<Scalar>]?, cache: Cache)
        -> (inputGradient: Matrix<Scalar>, initialStateGradients: [Matrix<Scalar>])
}

extension Recurrent: SequenceLayer {
    public var outputSize: Int { hiddenSize }
    public var directions: Int { 1 }

    public func forward(_ input: Matrix<Scalar>, lengths: [Int], initialStates: [Matrix<Scalar>]?)
        -> (output: Matrix<Scalar>, finalStates: [Matrix<Scalar>], cache: Cache)
    {
        let result = forward(input, lengths: lengths, initialState: initialStates?.first)
        return (result.output, [result.finalState], result.cache)
    }

    public func backward(
        outputGradient: Matrix<Scalar>, finalStateGradients: [Matrix<Scalar>]?, cache: Cache
    ) -> (inputGradient: Matrix<Scalar>, initialStateGradients: [Matrix<Scalar>]) {
        let result = backward(outputGradient: outputGradient,
                              finalStateGradient: finalStateGradients?.first, cache: cache)
        return (result.inputGradient, [result.initialStateGradient])
    }
}
