import Tensor

/// A first-order optimizer that updates parameters in place from their accumulated gradients.
///
/// Optimizers implement only the update of one parameter, `applySingle` (mlx's `apply_single`);
/// `step(_:)` walks the parameters, finds or creates each one's state (keyed by the parameter's
/// name) and calls it. One `step` per batch, after the backward pass and any gradient clipping:
///
///     model.zeroGradients()
///     ... forward, backward ...
///     clipGradientNorm(model.parameters, maxNorm: 5)
///     optimizer.step(model.parameters)
///
/// Hyperparameters are host-side `Double`s, as PyTorch's are Python floats: per-step coefficients
/// (bias corrections, `1 − β`) are computed in `Double` and rounded to `Scalar` once, so a `Float`
/// optimizer rounds exactly where PyTorch's float32 one does. `learningRate` may be changed between
/// steps (by a schedule or by hand).
///
/// The state (moments, momentum buffers, per-parameter step counts) is exported and restored through
/// `state` (see `OptimizerState`) for checkpoints.
public protocol Optimizer<Scalar> {
    associatedtype Scalar: TensorScalar

    /// The learning rate the next `step` uses.
    var learningRate: Double { get set }

    /// Per-parameter buffers and step counts, keyed by parameter name.
    var state: OptimizerState<Scalar> { get set }

    /// Updates one parameter in place.
    ///
    /// - `value`, `gradient`: the parameter's entries and its gradient (same count n).
    /// - `slots`: this parameter's state buffers, `state.slotNames.count` blocks of n scalars one
    ///   after another (zero-initialised before the parameter's first update).
    /// - `step`: the number of updates of this parameter including this one (1 on the first).
    func applySingle(
        value: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeBufferPointer<Scalar>,
        slots: UnsafeMutableBufferPointer<Scalar>, step: Int)
}

extension Optimizer {
    /// Updates every parameter that is not frozen from its gradient (which is left as it is).
    @inlinable
    public mutating func step(_ parameters: [Parameter<Scalar>]) {
        // Work on the state out of `self`, so that `applySingle` (which reads `self`) and the
        // in-place updates of the state do not overlap, and no buffer is copied on write.
        var working = OptimizerState<Scalar>(slotNames: state.slotNames)
        swap(&working, &state)
        defer { swap(&working, &state) }

        working.stepCount += 1
        var names = Set<String>()
        for parameter in parameters {
            precondition(names.insert(parameter.name).inserted,
                         "parameter name \(parameter.name) used twice: its optimizer state would be shared")
            if parameter.isFrozen { continue }
            precondition(parameter.gradient.rows == parameter.value.rows
                         && parameter.gradient.cols == parameter.value.cols,
                         "\(parameter.name): gradient shape differs from the value's")
            working.withEntry(for: parameter) { step, slots in
                parameter.gradient.storage.withUnsafeBufferPointer { gradient in
                    parameter.value.storage.withUnsafeMutableBufferPointer { value in
                        applySingle(value: value, gradient: gradient, slots: slots, step: step)
                    }
                }
            }
        }
    }
}
