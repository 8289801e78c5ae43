import Tensor

extension ModelFile {
    /// The suffix of the tensor holding an int8 tensor's scales: `W` (I8, (n, k)) has `W.int8_scale`
    /// (F32, (n)).
    public static let int8ScaleSuffix = ".int8_scale"

    /// Whether `name`, of `shape`, is a weight matrix that `quantizedToInt8()` stores in int8:
    /// rank 2, last name component `weight…` (layers' weights, recurrent `weight_ih`/`weight_hh`,
    /// embedding tables). Biases, CRF transitions and other vectors keep their type.
    static func isQuantizable(name: String, shape: [Int]) -> Bool {
        shape.count == 2 && name.split(separator: ".").last?.hasPrefix("weight") == true
    }

    /// This model with every weight matrix W (n, k) in int8 with one scale per row, on the grid
    /// `QuantizedWeights` uses for int8 products (which rounds W · (1 / w_j) rather than W / w_j, and
    /// quantises column blocks on their own, so the levels agree nearly, not always exactly):
    ///
    ///     w_j = max_k |W[j,k]| / 127        Q[j,k] = round(W[j,k] / w_j)
    ///
    /// Q is the tensor `W` (I8), w the tensor `W.int8_scale` (F32, shape [n]). A matrix already in
    /// int8 stays as it is; the model's documents are unchanged.
    public func quantizedToInt8() -> ModelFile {
        var copy = self
        copy.tensors = tensors.flatMap { tensor -> [SafeTensors.Tensor] in
            guard tensor.dtype != .i8, Self.isQuantizable(name: tensor.name, shape: tensor.shape) else { return [tensor] }
            let (rows, cols) = (tensor.values.rows, tensor.values.cols)
            var levels = Matrix<Float>(rows: rows, cols: cols)
            var scales = Matrix<Float>(rows: 1, cols: rows)
            for j in 0..<rows {
                let row = tensor.values.storage[(j * cols)..<((j + 1) * cols)]
                let largest = row.reduce(0) { Swift.max($0, abs($1)) }
                guard largest > 0, largest.isFinite else { continue }
                let scale = largest / 127
                scales.storage[j] = scale
                for (c, value) in row.enumerated() { levels.storage[j * cols + c] = (value / scale).rounded() }
            }
            return [SafeTensors.Tensor(name: tensor.name, shape: tensor.shape, dtype: .i8, values: levels),
                    SafeTensors.Tensor(name: tensor.name + Self.int8ScaleSuffix, shape: [rows], dtype: .f32, values: scales)]
        }.sorted { $0.name < $1.name }
        return copy
    }

    /// `tensors` with each int8 tensor multiplied row by row by its scales into an F32 tensor (and
    /// the scale tensors gone), as the network's parameters take them; `read` returns these. Throws `invalidQuantization` naming `path`
    /// for an int8 tensor without scales, scales without an int8 tensor, or scales of a shape other
    /// than [rows].
    static func dequantized(_ tensors: [SafeTensors.Tensor], path: String) throws(ModelFileError) -> [SafeTensors.Tensor] {
        func fail(_ reason: String) -> ModelFileError { ModelFileError(path: path, problem: .invalidQuantization(reason)) }
        var byName: [String: SafeTensors.Tensor] = [:]
        for tensor in tensors { byName[tensor.name] = tensor }
        var result: [SafeTensors.Tensor] = []
        for tensor in tensors {
            if tensor.name.hasSuffix(Self.int8ScaleSuffix) {
                let owner = String(tensor.name.dropLast(Self.int8ScaleSuffix.count))
                guard byName[owner]?.dtype == .i8 else { throw fail("'\(tensor.name)' scales no int8 tensor '\(owner)'") }
                continue
            }
            guard tensor.dtype == .i8 else {
                result.append(tensor)
                continue
            }
            guard let scales = byName[tensor.name + Self.int8ScaleSuffix] else {
                throw fail("int8 tensor '\(tensor.name)' has no scales '\(tensor.name + Self.int8ScaleSuffix)'")
            }
            let rows = tensor.shape.first ?? 1
            guard tensor.shape.count == 2, scales.shape == [rows] else {
                throw fail("'\(scales.name)' has shape \(scales.shape), expected [\(rows)] for '\(tensor.name)' of shape \(tensor.shape)")
            }
            guard scales.values.storage.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw fail("'\(scales.name)' holds a negative or non-finite scale")
            }
            var values = tensor.values
            let cols = values.cols
            for j in 0..<rows {
                let scale = scales.values.storage[j]
                for c in 0..<cols { values.storage[j * cols + c] *= scale }
            }
            result.append(SafeTensors.Tensor(name: tensor.name, shape: tensor.shape, dtype: .f32, values: values))
        }
        return result
    }
}
