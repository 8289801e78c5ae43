import Foundation

extension SafeTensors {
    /// The parameters' values as tensors named and shaped as the parameters are (values as Float).
    public init<Scalar: TensorScalar>(
        parameters: [Parameter<Scalar>], dtype: DType = .f32, metadata: [String: String] = [:]
    ) {
        self.init(
            tensors: parameters.map {
                Tensor(name: $0.name, shape: $0.shape, dtype: dtype, values: Matrix<Float>($0.value))
            },
            metadata: metadata)
    }

    /// Copies the tensors into the parameters of the same names.
    ///
    /// Every parameter must have a tensor of exactly its shape, and every tensor a parameter;
    /// otherwise this throws (listing all missing and unexpected names) and changes nothing.
    /// `path` names the file in errors.
    public func assign<Scalar: TensorScalar>(to parameters: [Parameter<Scalar>], path: String = "<memory>") throws {
        func fail(_ problem: SafeTensorsError.Problem) -> SafeTensorsError {
            SafeTensorsError(path: path, problem: problem)
        }
        var byName: [String: Tensor] = [:]
        for tensor in tensors { byName[tensor.name] = tensor }
        let parameterNames = Set(parameters.map(\.name))
        let missing = parameters.map(\.name).filter { byName[$0] == nil }
        let unexpected = byName.keys.filter { !parameterNames.contains($0) }
        guard missing.isEmpty && unexpected.isEmpty else {
            throw fail(.parameterNameMismatch(missing: missing.sorted(), unexpected: unexpected.sorted()))
        }
        for parameter in parameters where byName[parameter.name]!.shape != parameter.shape {
            throw fail(.parameterShapeMismatch(name: parameter.name, expected: parameter.shape,
                                               found: byName[parameter.name]!.shape))
        }
        for parameter in parameters {
            let values = byName[parameter.name]!.values
            parameter.value = Matrix<Scalar>(values).reshaped(rows: parameter.value.rows, cols: parameter.value.cols)
        }
    }

    /// Writes the parameters to `url` atomically (see `write(to:)`).
    public static func save<Scalar: TensorScalar>(
        _ parameters: [Parameter<Scalar>], to url: URL, dtype: DType = .f32, metadata: [String: String] = [:]
    ) throws {
        try SafeTensors(parameters: parameters, dtype: dtype, metadata: metadata).write(to: url)
    }

    /// Reads `url` into the parameters (see `assign(to:path:)`); returns the file's metadata.
    @discardableResult
    public static func load<Scalar: TensorScalar>(
        _ parameters: [Parameter<Scalar>], from url: URL
    ) throws -> [String: String] {
        let file = try SafeTensors(contentsOf: url)
        try file.assign(to: parameters, path: url.path)
        return file.metadata
    }
}

extension ParameterOwner {
    /// Writes every parameter, by name, to a safetensors file (atomically).
    public func saveParameters(to url: URL, dtype: SafeTensors.DType = .f32, metadata: [String: String] = [:]) throws {
        try SafeTensors.save(parameters, to: url, dtype: dtype, metadata: metadata)
    }

    /// Loads every parameter, by name, from a safetensors file; returns the file's metadata. Throws
    /// (changing nothing) unless the file holds exactly the parameters' names with their shapes.
    @discardableResult
    public func loadParameters(from url: URL) throws -> [String: String] {
        try SafeTensors.load(parameters, from: url)
    }
}
