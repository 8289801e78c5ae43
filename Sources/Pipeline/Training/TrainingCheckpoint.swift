import Foundation
import Seq2Seq
import Tensor

/// A training run saved to disk: parameters, optimizer buffers and `TrainingState`, in one
/// safetensors file written atomically and durably (temporary file, fsync, rename, as model files
/// are), so a kill at any moment leaves either the previous checkpoint or the new one, never half
/// of one.
///
/// Tensors: `model.<parameter>` and `optimizer.<parameter>.<slot|step>`. Metadata: `format`
/// (`nlp-checkpoint`), `state` (JSON) and `fingerprint`, which identifies the data, options and
/// model configuration; resuming with another fingerprint is refused.
enum TrainingCheckpoint {
    static let format = "nlp-checkpoint"

    static func save(to path: String, parameters: [Parameter<Float>], optimizer: OptimizerState<Float>,
                     state: TrainingState, fingerprint: String) throws {
        var tensors = parameters.map {
            SafeTensors.Tensor(name: "model." + $0.name, shape: $0.shape, values: Matrix<Float>($0.value))
        }
        for (name, value) in optimizer.tensors.sorted(by: { $0.key < $1.key }) {
            tensors.append(SafeTensors.Tensor(name: "optimizer." + name, shape: [value.rows, value.cols], values: value))
        }
        let metadata = ["format": format, "fingerprint": fingerprint, "state": try CanonicalJSON.string(state)]
        try ModelFile.replaceFile(at: path, with: SafeTensors(tensors: tensors, metadata: metadata).encoded(path: path))
    }

    /// Throws, saying how to start instead, unless there is a file at `path` to resume from.
    static func checkExists(at path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw DataError(path: path, "no checkpoint to resume from (run without --resume to start training)")
        }
    }

    /// Reads a checkpoint into `parameters` and `optimizer` and returns its state. Throws, changing
    /// nothing, if the file is not a checkpoint, is damaged, or belongs to another run.
    static func load(from path: String, parameters: [Parameter<Float>], optimizer: inout OptimizerState<Float>,
                     fingerprint: String) throws -> TrainingState {
        try checkExists(at: path)
        let file = try SafeTensors(contentsOf: URL(fileURLWithPath: path))
        guard file.metadata["format"] == format, let stateText = file.metadata["state"] else {
            throw DataError(path: path, "is not a training checkpoint of nlp")
        }
        guard file.metadata["fingerprint"] == fingerprint else {
            throw DataError(path: path, "was written by a run with other data, options or model settings (or by another version of nlp); "
                            + "resume with the same command line, or delete the checkpoint to start afresh")
        }
        let state: TrainingState
        do {
            state = try JSONDecoder().decode(TrainingState.self, from: Data(stateText.utf8))
        } catch {
            throw DataError(path: path, "damaged checkpoint: its training state does not parse (\(error))")
        }
        var modelTensors: [SafeTensors.Tensor] = [], optimizerTensors: [String: Matrix<Float>] = [:]
        for tensor in file.tensors {
            if tensor.name.hasPrefix("model.") {
                var renamed = tensor
                renamed.name.removeFirst("model.".count)
                modelTensors.append(renamed)
            } else if tensor.name.hasPrefix("optimizer.") {
                let (rows, cols) = SafeTensors.matrixShape(for: tensor.shape)
                optimizerTensors[String(tensor.name.dropFirst("optimizer.".count))] = tensor.values.reshaped(rows: rows, cols: cols)
            } else {
                throw DataError(path: path, "damaged checkpoint: unexpected tensor '\(tensor.name)'")
            }
        }
        var restored = optimizer
        try restored.restore(stepCount: state.optimizerSteps, tensors: optimizerTensors,
                             parameters: parameters.filter { !$0.isFrozen })
        try SafeTensors(tensors: modelTensors).assign(to: parameters, path: path)
        optimizer = restored
        return state
    }
}
