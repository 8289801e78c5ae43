/// The recurrent cell of a model chosen at run time (from a configuration or a model file). The raw
/// values are the cells' `kind` strings, PyTorch's module names: `nn.RNN(nonlinearity='tanh')`,
/// `nn.RNN(nonlinearity='relu')`, `nn.LSTM`, `nn.GRU`.
///
///     rnn_tanh, rnn_relu:  h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)     (`VanillaCell`, S = 1)
///     lstm:                gates i, f, g, o; state [h | c]                (`LSTMCell`, S = 2)
///     gru:                 gates r, z, n; state h                         (`GRUCell`, S = 1)
///
/// A new cell is one file (a type conforming to `RecurrentCell`) and one case here, with its line
/// in `withCell`: everything else (layers, the decoder, files, command-line help, the tests' lists)
/// reads `allCases` and the cell's static shape.
public enum CellKind: String, Codable, CaseIterable, Sendable {
    case rnnTanh = "rnn_tanh"
    case rnnRelu = "rnn_relu"
    case lstm
    case gru

    /// Runs `body` with the concrete cell of this kind: the one place a kind becomes a type. Code
    /// in `body` is generic over the cell, so it runs specialised for it (a call through an
    /// existential `RecurrentCell` would land in the unspecialised generic body).
    ///
    /// `withCell` and the bodies' `callAsFunction` are `@inline(__always)`: inlined, each case is a
    /// call with a concrete cell in the caller's own (specialised) context. Called through the
    /// protocol requirement instead, the stacks and step loops built in a body ran as unspecialised
    /// generic code: measured, sentiment training 6x slower and greedy decoding 3x.
    @inlinable @inline(__always)
    public func withCell<Body: CellBody>(_ body: Body) -> Body.Result {
        switch self {
        case .rnnTanh: body(VanillaCell(activation: .tanh))
        case .rnnRelu: body(VanillaCell(activation: .relu))
        case .lstm: body(LSTMCell())
        case .gru: body(GRUCell())
        }
    }

    /// The kind of `cell`.
    public init<Cell: RecurrentCell>(_ cell: Cell) {
        guard let kind = CellKind(rawValue: cell.kind) else { preconditionFailure("cell kind '\(cell.kind)' not listed in CellKind") }
        self = kind
    }

    /// Gate blocks G in the projections.
    public var gateCount: Int { withCell(CellShape()).gates }
    /// State vectors S per row: 2 for the LSTM (`[h | c]`), else 1.
    public var stateVectors: Int { withCell(CellShape()).states }
    /// Scalars per hidden unit that the cell's forward keeps for backward.
    public var cacheCount: Int { withCell(CellShape()).cache }
}

/// Code run with a concrete cell by `CellKind.withCell`: a generic function as a value. Mark its
/// `callAsFunction` `@inline(__always)` (see `withCell`).
public protocol CellBody {
    associatedtype Result
    func callAsFunction<Cell: RecurrentCell>(_ cell: Cell) -> Result
}

/// A cell's static shape.
struct CellShape: CellBody {
    func callAsFunction<Cell: RecurrentCell>(_ cell: Cell) -> (gates: Int, states: Int, cache: Int) {
        (Cell.gateCount, Cell.stateVectors, Cell.cacheCount)
    }
}
