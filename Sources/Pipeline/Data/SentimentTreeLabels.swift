/// How a sentiment tree's labels 0-4 become a classifier's labels.
public enum SentimentTreeLabels: String, Codable, CaseIterable, Sendable {
    /// SST-2: 0-1 → "0" (negative), 3-4 → "1" (positive); neutral (2) is left out.
    case binary
    /// SST-5: the five labels as they are, "0" … "4".
    case fine

    /// The classifier's label for tree label `label`; nil for one left out.
    public func label(_ label: Int) -> String? {
        switch self {
        case .fine: String(label)
        case .binary: label == 2 ? nil : label < 2 ? "0" : "1"
        }
    }
}
