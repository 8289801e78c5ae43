/// The shape of a recurrent encoder, chosen at run time: what `RecurrentEncoder` builds and what a
/// model file records. The same hyper-parameters as PyTorch's `nn.LSTM`/`nn.GRU`/`nn.RNN`
/// (`input_size`, `hidden_size`, `num_layers`, `bidirectional`, `dropout`), plus the merge of the
/// two directions, which PyTorch fixes to concat.
///
///     y⁰ = x,    yˡ = layerₗ(dropout(yˡ⁻¹))  (no dropout before the first layer)
///
/// Shapes: input (T·B, D = inputSize) → output (T·B, outputSize); `stateCount` states of
/// (B, stateWidth) each, in PyTorch's `h_n` order (layer 0 forward, layer 0 reverse, layer 1 …).
public struct EncoderConfiguration: Codable, Equatable, Sendable {
    public var cell: CellKind
    /// D, the width of the input vectors.
    public var inputSize: Int
    /// H, the width of each direction's hidden state.
    public var hiddenSize: Int
    /// Stacked layers, at least 1.
    public var layers: Int
    public var bidirectional: Bool
    /// How the directions combine (ignored unless bidirectional).
    public var merge: DirectionMerge
    /// Dropout on the input of every layer but the first, in [0, 1).
    public var dropout: Double

    public init(
        cell: CellKind, inputSize: Int, hiddenSize: Int, layers: Int = 1, bidirectional: Bool = false,
        merge: DirectionMerge = .concat, dropout: Double = 0
    ) {
        self.cell = cell
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.bidirectional = bidirectional
        self.merge = merge
        self.dropout = dropout
    }

    /// Width of the output at each step: 2H for bidirectional with concat, else H.
    public var outputSize: Int { bidirectional && merge == .concat ? 2 * hiddenSize : hiddenSize }
    /// Directions per layer: 1 or 2.
    public var directions: Int { bidirectional ? 2 : 1 }
    /// Number of initial and final states: layers × directions.
    public var stateCount: Int { layers * directions }
    /// Width of one state row, S·H: 2H for the LSTM (`[h | c]`), else H.
    public var stateWidth: Int { cell.stateVectors * hiddenSize }

    /// What is wrong with the values, if anything. Checked where an encoder is built and where a
    /// configuration is decoded.
    var problem: String? {
        if inputSize < 1 { return "input size \(inputSize) < 1" }
        if hiddenSize < 1 { return "hidden size \(hiddenSize) < 1" }
        if layers < 1 { return "\(layers) layers, at least 1 needed" }
        if !(dropout >= 0 && dropout < 1) { return "dropout \(dropout) outside [0, 1)" }
        return nil
    }

    /// Decodes a configuration written by `encode(to:)`; `layers`, `bidirectional`, `merge` and
    /// `dropout` may be left out (defaults as in `init`). Values no encoder can have are a
    /// `DecodingError.dataCorrupted` that says which.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cell = try container.decode(CellKind.self, forKey: .cell)
        inputSize = try container.decode(Int.self, forKey: .inputSize)
        hiddenSize = try container.decode(Int.self, forKey: .hiddenSize)
        layers = try container.decodeIfPresent(Int.self, forKey: .layers) ?? 1
        bidirectional = try container.decodeIfPresent(Bool.self, forKey: .bidirectional) ?? false
        merge = try container.decodeIfPresent(DirectionMerge.self, forKey: .merge) ?? .concat
        dropout = try container.decodeIfPresent(Double.self, forKey: .dropout) ?? 0
        if let problem {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "encoder configuration: \(problem)"))
        }
    }
}
