import FileIO
import Foundation
import Tensor

extension ModelFile {
    /// Checkpoint averaging (as OpenNMT's `average_models` and Marian's averaging do): a model
    /// whose every tensor is the element-wise mean of the same tensor in `models`,
    ///
    ///     θ = (1/n) Σᵢ θᵢ          (accumulated in double precision, stored in the first model's dtypes)
    ///
    /// The models must be of one task and one configuration (the same vocabularies, subword merges
    /// and shapes, as the epochs of one training run are), with the same tensors; anything else is
    /// refused with a `DataError` naming the file that differs. The result keeps the configuration
    /// and the first model's provenance with `averagedFrom` listing every input and its checksum
    /// (its dev score and epoch are dropped: they were the first model's).
    public static func average(_ models: [(path: String, model: ModelFile)]) throws -> ModelFile {
        guard let (firstPath, first) = models.first else { preconditionFailure("average of no models") }
        for (path, model) in models.dropFirst() {
            if model.task != first.task {
                throw DataError(path: path, "is a \(model.task.rawValue) model but \(firstPath) is a \(first.task.rawValue) model")
            }
            if model.configuration != first.configuration {
                throw DataError(path: path, "has another configuration than \(firstPath) (vocabulary, subword merges or "
                                + "network shape): only models of one training run can be averaged")
            }
            if model.tensors.map(\.name) != first.tensors.map(\.name) {
                throw DataError(path: path, "has other tensors than \(firstPath)")
            }
            for (tensor, reference) in zip(model.tensors, first.tensors) where tensor.shape != reference.shape {
                throw DataError(path: path, "tensor \(tensor.name) has shape \(tensor.shape) but \(reference.shape) in \(firstPath)")
            }
        }
        let tensors = first.tensors.indices.map { index -> SafeTensors.Tensor in
            let reference = first.tensors[index]
            var sum = [Double](repeating: 0, count: reference.values.count)
            for (_, model) in models {
                for (k, value) in model.tensors[index].values.storage.enumerated() { sum[k] += Double(value) }
            }
            let scale = 1 / Double(models.count)
            let mean = Matrix<Float>(rows: reference.values.rows, cols: reference.values.cols,
                                     storage: sum.map { Float($0 * scale) })
            return SafeTensors.Tensor(name: reference.name, shape: reference.shape, dtype: reference.dtype, values: mean)
        }
        var provenance = try first.decodeProvenance(Provenance.self, path: firstPath)
        provenance.dev = nil
        provenance.epoch = nil
        provenance.averagedFrom = try models.map { .init(role: "averaged", path: $0.path, sha256: try SHA256.hexDigest(ofFile: $0.path)) }
        return try ModelFile(task: first.task, configurationJSON: first.configuration,
                             provenanceJSON: Self.encode(provenance, as: .provenance), tensors: tensors)
    }
}
