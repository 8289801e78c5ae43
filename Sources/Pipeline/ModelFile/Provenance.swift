import Tensor

/// Where a model came from, stored in its file: the data it was trained on (with checksums, so
/// that the data can be checked to be the same), the options and seed, and how it scored on dev.
/// Nothing time- or machine-dependent goes in, so the same run gives a byte-identical file.
public struct Provenance: Codable, Equatable, Sendable {
    public struct DataFile: Codable, Equatable, Sendable {
        /// "train", "dev", "vectors", ...
        public var role: String
        /// As given on the command line.
        public var path: String
        public var sha256: String
        public init(role: String, path: String, sha256: String) {
            self.role = role
            self.path = path
            self.sha256 = sha256
        }
    }

    public var data: [DataFile]
    public var training: TrainingOptions
    /// The task's training settings (embedding, cell, sizes, ...) as that task's training value
    /// encodes them, keyed by option name. Files written before this was typed hold strings.
    public var settings: JSONValue
    /// The dev score of the saved parameters and the epoch they are from.
    public var dev: Evaluation?
    public var epoch: Int?
    /// For a model made by `ModelFile.average`: the files averaged, with their checksums; nil otherwise.
    public var averagedFrom: [DataFile]?

    public init(data: [DataFile], training: TrainingOptions, settings: JSONValue,
                dev: Evaluation? = nil, epoch: Int? = nil) {
        self.data = data
        self.training = training
        self.settings = settings
        self.dev = dev
        self.epoch = epoch
    }
}
