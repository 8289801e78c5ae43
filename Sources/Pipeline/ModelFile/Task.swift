/// The tasks a model file can hold. The raw value is what the file's metadata says.
public enum Task: String, Codable, CaseIterable, Sendable {
    case sentiment
    case tagger
    case translate
    case languageModel = "lm"
}
