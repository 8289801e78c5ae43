import Foundation
import Seq2Seq
import Tensor

/// One PyTorch reference case written by `Scripts/reference/make_rnn_fixtures.py` (see its README):
/// tensors are flat, row-major, time-major; states are ordered as PyTorch's (layer, direction).
struct RecurrentFixture: Decodable {
    struct Tensor: Decodable {
        let shape: [Int]
        let data: [Float]
    }

    let name: String
    let cell: String
    let inputSize: Int
    let hiddenSize: Int
    let numLayers: Int
    let bidirectional: Bool
    let batch: Int
    let maxLen: Int
    let lengths: [Int]
    let input: Tensor
    let h0: Tensor
    let c0: Tensor?
    let weights: [String: Tensor]
    let gradOutput: Tensor
    let gradHN: Tensor
    let gradCN: Tensor?
    let output: Tensor
    let hN: Tensor
    let cN: Tensor?
    let grads: [String: Tensor]

    enum CodingKeys: String, CodingKey {
        case name, cell, lengths, input, h0, c0, weights, output, grads, bidirectional, batch
        case inputSize = "input_size", hiddenSize = "hidden_size", numLayers = "num_layers"
        case maxLen = "max_len", gradOutput = "grad_output", gradHN = "grad_h_n", gradCN = "grad_c_n"
        case hN = "h_n", cN = "c_n"
    }

    static func load(_ name: String) throws -> RecurrentFixture {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Fixtures/\(name).json"])
        }
        return try JSONDecoder().decode(RecurrentFixture.self, from: Data(contentsOf: url))
    }

    /// One fixture per cell kind and layout, as `Scripts/reference/make_rnn_fixtures.py` writes them: "lstm_l2_bi_varlen".
    static let allNames: [String] = CellKind.allCases.flatMap { cell in
        ["l1_uni", "l2_bi_varlen", "l1_bi_varlen"].map { "\(cell.rawValue)_\($0)" }
    }

    /// PyTorch's (L·dirs, B, H) h and c tensors as our per-direction state rows (B, S·H) = [h | c].
    func states(h: Tensor, c: Tensor?) -> [Matrix<Float>] {
        let B = batch, H = hiddenSize, S = c == nil ? 1 : 2
        return (0..<(h.shape[0])).map { layer in
            var state = Matrix<Float>(rows: B, cols: S * H)
            for b in 0..<B {
                for j in 0..<H {
                    state[b, j] = h.data[(layer * B + b) * H + j]
                    if let c { state[b, H + j] = c.data[(layer * B + b) * H + j] }
                }
            }
            return state
        }
    }
}
