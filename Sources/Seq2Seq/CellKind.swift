/// The recurrent cell of a model chosen at run time (from a configuration or a model file). The raw
/// values are the cells' `kind` strings, PyTorch's module names: `nn.RNN(nonlinearity='tanh')`,
/// `nn.RNN(nonlinearity='relu')`, `nn.LSTM`, `nn.GRU`.
///
///     rnn_tanh, rnn_relu:  h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)     (`VanillaCell`, S = 1)
///     lstm:                gates i, f, g, o; state [h | c]                (`LSTMCell`, S = 2)
///     gru:                 gates r, z, n; state h                         (`GRUCell`, S = 1)
public enum CellKind: String, Codable, CaseIterable, Sendable {
    case rnnTanh = "rnn_tanh"
    case rnnRelu = "rnn_relu"
    case lstm
    case gru

    /// State vectors S per row: 2 for the LSTM (`[h | c]`), else 1.
    public var stateVectors: Int { self == .lstm ? 2 : 1 }
}
