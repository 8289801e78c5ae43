import Seq2Seq
import Tensor

/// A task's model as one model file holds it: the task tag, the configuration document (pipeline
/// stages and network shape) and the network's tensors. The extension gives every task the same
/// loading (format, version, task, checksums, configuration and tensors checked, each problem an
/// error naming the file), writing (atomic, deterministic) and, through the network, the
/// generator states a checkpoint keeps.
public protocol TaskModel: TrainableModel {
    associatedtype Configuration: TaskConfiguration
    associatedtype Network: GeneratorStateOwner

    /// The tag the model file carries.
    static var task: Task { get }
    var configuration: Configuration { get }
    var network: Network { get }
    /// The provenance read from the model file (nil for a model built in memory).
    var provenance: Provenance? { get set }

    /// The model `configuration` describes, with initial weights (loading then assigns the file's).
    init(building configuration: Configuration)
}

/// A model file's configuration document.
public protocol TaskConfiguration: Codable {
    /// A problem that makes the configuration unusable (a damaged or hand-edited file), or nil.
    var problem: String? { get }
    /// The stage that splits raw text into tokens (its locale must be one ICU knows).
    var textTokenizer: TokenizeStage { get }
}

extension TaskModel {
    /// Loads a model file; every problem is a thrown error naming the file.
    public init(contentsOf path: String) throws {
        let file = try ModelFile.read(from: path, expecting: Self.task)
        let configuration = try file.decodeConfiguration(Configuration.self, path: path)
        if let problem = configuration.problem { throw DataError(path: path, "unusable model configuration: \(problem)") }
        try configuration.textTokenizer.checkUsable(modelPath: path)
        self.init(building: configuration)
        try SafeTensors(tensors: file.tensors).assign(to: parameters, path: path)
        provenance = try? file.decodeProvenance(Provenance.self, path: path)
    }

    /// Writes the model to `path` atomically. `dtype` F16 halves the file; values are rounded.
    public func write(to path: String, provenance: Provenance, dtype: SafeTensors.DType = .f32) throws {
        let tensors = SafeTensors(parameters: parameters, dtype: dtype).tensors
        try ModelFile(task: Self.task, configuration: configuration, provenance: provenance, tensors: tensors).write(to: path)
    }

    public var generatorStates: [[UInt64]] {
        get { network.generatorStates }
        set { network.generatorStates = newValue }
    }
}

/// A model whose files can be combined into an ensemble that predicts from their mean scores.
public protocol EnsembleModel: TaskModel {
    /// Makes this model predict as an ensemble with `others` (their files named by `paths`, for
    /// errors); throws if they do not predict the same things.
    func ensemble(with others: [Self], paths: [String]) throws
}

extension EnsembleModel {
    /// Loads one model file, or several that predict as an ensemble (`ensemble(with:paths:)`).
    public static func load(_ paths: [String]) throws -> Self {
        precondition(!paths.isEmpty, "at least one model file")
        let models = try paths.map(Self.init(contentsOf:))
        try models[0].ensemble(with: Array(models.dropFirst()), paths: Array(paths.dropFirst()))
        return models[0]
    }
}
