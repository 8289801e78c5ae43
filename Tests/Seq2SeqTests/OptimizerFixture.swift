import Foundation
import Seq2Seq
import Tensor

/// PyTorch reference values written by `Scripts/reference/make_optimizer_fixtures.py`: optimizer
/// trajectories in float32 and float64, gradient clipping, StepLR and ReduceLROnPlateau rates.
struct OptimizerFixture: Decodable {
    struct Run: Decodable {
        /// The parameter after each step, flat.
        let params: [[Double]]
        /// PyTorch's optimizer state after the last step (`step`, `exp_avg`, `momentum_buffer`, ...).
        let state: [String: [Double]]
    }

    struct OptimizerCase: Decodable {
        let name: String
        let kind: String
        /// The learning rate of each step.
        let lrs: [Double]
        let momentum: Double?
        let nesterov: Bool?
        let betas: [Double]?
        let eps: Double?
        let weightDecay: Double
        let float32: Run
        let float64: Run

        enum CodingKeys: String, CodingKey {
            case name, kind, lrs, momentum, nesterov, betas, eps, float32, float64
            case weightDecay = "weight_decay"
        }
    }

    struct ClippingCase: Decodable {
        let maxNorm: Double
        let grads: [String: [Double]]
        let totalNorm: Double
        let clipped: [String: [Double]]

        enum CodingKeys: String, CodingKey {
            case grads, clipped
            case maxNorm = "max_norm", totalNorm = "total_norm"
        }
    }

    struct StepLRCase: Decodable {
        let lr: Double
        let stepSize: Int
        let gamma: Double
        let epochs: Int
        let lrs: [Double]

        enum CodingKeys: String, CodingKey {
            case lr, gamma, epochs, lrs
            case stepSize = "step_size"
        }
    }

    struct PlateauCase: Decodable {
        let lr: Double
        let mode: String
        let factor: Double
        let patience: Int
        let threshold: Double
        let thresholdMode: String
        let cooldown: Int
        let minLR: Double
        let eps: Double
        let metrics: [Double]
        let lrs: [Double]

        enum CodingKeys: String, CodingKey {
            case lr, mode, factor, patience, threshold, cooldown, eps, metrics, lrs
            case thresholdMode = "threshold_mode", minLR = "min_lr"
        }
    }

    let torchVersion: String
    let shape: [Int]
    let initial: [Double]
    let gradients: [[Double]]
    let optimizers: [OptimizerCase]
    let clipping: [ClippingCase]
    let stepLR: [StepLRCase]
    let plateau: [PlateauCase]

    enum CodingKeys: String, CodingKey {
        case shape, initial, gradients, optimizers, clipping, plateau
        case torchVersion = "torch_version", stepLR = "step_lr"
    }

    static func load() throws -> OptimizerFixture {
        guard let url = Bundle.module.url(forResource: "optimizers", withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Fixtures/optimizers.json"])
        }
        return try JSONDecoder().decode(OptimizerFixture.self, from: Data(contentsOf: url))
    }

    /// A fresh (2, 3) parameter holding the fixture's initial values.
    func makeParameter<Scalar: TensorScalar>(_: Scalar.Type, name: String = "weight") -> Parameter<Scalar> {
        Parameter(name: name, value: Matrix(rows: shape[0], cols: shape[1], storage: initial.map { Scalar($0) }))
    }

    func gradient<Scalar: TensorScalar>(_ step: Int, _: Scalar.Type) -> Matrix<Scalar> {
        Matrix(rows: shape[0], cols: shape[1], storage: gradients[step].map { Scalar($0) })
    }
}
