import Tensor

/// The element-wise part of one recurrent step, shared by the vanilla RNN, LSTM and GRU.
///
/// All three of PyTorch's cells have the same parameters, `W_ih` (G·H, D), `W_hh` (G·H, H),
/// `b_ih`, `b_hh` (G·H), with G gate blocks of H rows each. `RecurrentStep` computes the two affine
/// projections of a step with matrix products,
///
///     xp = x_t W_ihᵀ + b_ih        hp = h_{t-1} W_hhᵀ + b_hh        both (B, G·H)
///
/// and the cell turns them into the new state. A cell is only this element-wise map and its
/// derivative; the step's products, masking and weight gradients live in one place,
/// `RecurrentStep`, which `Recurrent` and `AttentionDecoder` run in their time loops.
///
/// A state row holds S vectors of width H side by side: `[h]`, or `[h | c]` for the LSTM.
/// The layer's output at each step is `h`, the first H columns.
public protocol RecurrentCell: Sendable {
    /// Gate blocks G in the projections: 1 (vanilla), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n).
    static var gateCount: Int { get }
    /// State vectors S per row: 1 (`h`) or 2 (`h`, `c`).
    static var stateVectors: Int { get }
    /// Scalars per hidden unit that `forward` keeps for `backward`.
    static var cacheCount: Int { get }
    /// The PyTorch module name for files and fixtures: "rnn_tanh", "rnn_relu", "lstm", "gru".
    var kind: String { get }

    /// One step for rows 0..<B. Reads `xp`, `hp` (B, G·H) and `previous` (B, S·H); writes `state`
    /// (B, S·H) and `cache` (B, cacheCount·H).
    func forward<Scalar: TensorScalar>(
        xp: UnsafePointer<Scalar>, hp: UnsafePointer<Scalar>, previous: UnsafePointer<Scalar>,
        state: UnsafeMutablePointer<Scalar>, cache: UnsafeMutablePointer<Scalar>,
        batch: Int, hidden: Int)

    /// The derivative of `forward`. Reads `stateGradient` = ∂L/∂state (B, S·H) and what forward
    /// read and wrote; overwrites `xpGradient`, `hpGradient` (B, G·H) with ∂L/∂xp, ∂L/∂hp and
    /// `previousGradient` (B, S·H) with the part of ∂L/∂previous that does not go through `hp`.
    func backward<Scalar: TensorScalar>(
        stateGradient: UnsafePointer<Scalar>, cache: UnsafePointer<Scalar>,
        previous: UnsafePointer<Scalar>, state: UnsafePointer<Scalar>, hp: UnsafePointer<Scalar>,
        xpGradient: UnsafeMutablePointer<Scalar>, hpGradient: UnsafeMutablePointer<Scalar>,
        previousGradient: UnsafeMutablePointer<Scalar>,
        batch: Int, hidden: Int)
}
