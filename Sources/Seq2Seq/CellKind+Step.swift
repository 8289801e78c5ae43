import Tensor

/// One step of the cell a `CellKind` names, dispatched with a `switch` to the concrete cell, so that
/// a caller specialised for `Scalar` runs the specialised cell kernel (a call through an existential
/// `RecurrentCell` would land in the unspecialised generic body). Used where a layer steps a cell
/// itself rather than through `Recurrent`: the attention decoder.
extension CellKind {
    /// Gate blocks G in the projections.
    public var gateCount: Int {
        switch self {
        case .rnnTanh, .rnnRelu: VanillaCell.gateCount
        case .lstm: LSTMCell.gateCount
        case .gru: GRUCell.gateCount
        }
    }

    /// Scalars per hidden unit that the cell's forward keeps for backward (at least 1, so buffers
    /// are never empty).
    public var cacheCount: Int {
        switch self {
        case .rnnTanh, .rnnRelu: Swift.max(VanillaCell.cacheCount, 1)
        case .lstm: LSTMCell.cacheCount
        case .gru: GRUCell.cacheCount
        }
    }

    /// `RecurrentCell.forward` of this kind's cell.
    @inlinable
    public func forward<Scalar: TensorScalar>(
        xp: UnsafePointer<Scalar>, hp: UnsafePointer<Scalar>, previous: UnsafePointer<Scalar>,
        state: UnsafeMutablePointer<Scalar>, cache: UnsafeMutablePointer<Scalar>, batch: Int, hidden: Int
    ) {
        switch self {
        case .rnnTanh:
            VanillaCell(activation: .tanh).forward(xp: xp, hp: hp, previous: previous, state: state, cache: cache,
                                                   batch: batch, hidden: hidden)
        case .rnnRelu:
            VanillaCell(activation: .relu).forward(xp: xp, hp: hp, previous: previous, state: state, cache: cache,
                                                   batch: batch, hidden: hidden)
        case .lstm:
            LSTMCell().forward(xp: xp, hp: hp, previous: previous, state: state, cache: cache,
                               batch: batch, hidden: hidden)
        case .gru:
            GRUCell().forward(xp: xp, hp: hp, previous: previous, state: state, cache: cache,
                              batch: batch, hidden: hidden)
        }
    }

    /// `RecurrentCell.backward` of this kind's cell.
    @inlinable
    public func backward<Scalar: TensorScalar>(
        stateGradient: UnsafePointer<Scalar>, cache: UnsafePointer<Scalar>,
        previous: UnsafePointer<Scalar>, state: UnsafePointer<Scalar>, hp: UnsafePointer<Scalar>,
        xpGradient: UnsafeMutablePointer<Scalar>, hpGradient: UnsafeMutablePointer<Scalar>,
        previousGradient: UnsafeMutablePointer<Scalar>, batch: Int, hidden: Int
    ) {
        switch self {
        case .rnnTanh:
            VanillaCell(activation: .tanh).backward(
                stateGradient: stateGradient, cache: cache, previous: previous, state: state, hp: hp,
                xpGradient: xpGradient, hpGradient: hpGradient, previousGradient: previousGradient,
                batch: batch, hidden: hidden)
        case .rnnRelu:
            VanillaCell(activation: .relu).backward(
                stateGradient: stateGradient, cache: cache, previous: previous, state: state, hp: hp,
                xpGradient: xpGradient, hpGradient: hpGradient, previousGradient: previousGradient,
                batch: batch, hidden: hidden)
        case .lstm:
            LSTMCell().backward(
                stateGradient: stateGradient, cache: cache, previous: previous, state: state, hp: hp,
                xpGradient: xpGradient, hpGradient: hpGradient, previousGradient: previousGradient,
                batch: batch, hidden: hidden)
        case .gru:
            GRUCell().backward(
                stateGradient: stateGradient, cache: cache, previous: previous, state: state, hp: hp,
                xpGradient: xpGradient, hpGradient: hpGradient, previousGradient: previousGradient,
                batch: batch, hidden: hidden)
        }
    }
}
