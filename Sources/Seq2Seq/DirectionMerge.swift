/// How a bidirectional layer combines its two directions' outputs at each step:
///
///     concat:  y_t = [→h_t | ←h_t]     (T·B, 2H)
///     sum:     y_t = →h_t + ←h_t       (T·B, H)
///
/// `Bidirectional.Merge` is this type, so configurations and files can name it without a cell type.
public enum DirectionMerge: String, Codable, CaseIterable, Sendable {
    case concat
    case sum
}
