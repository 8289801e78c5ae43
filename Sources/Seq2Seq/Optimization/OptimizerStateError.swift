/// Why an exported optimizer state could not be restored (see `OptimizerState.restore`).
public enum OptimizerStateError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidStepCount(Int)
    /// `<parameter>.step` is not a single non-negative integer.
    case invalidStep(parameter: String, Double)
    /// Tensors the parameters need but the state lacks, and tensors no parameter accounts for.
    case nameMismatch(missing: [String], unexpected: [String])
    case shapeMismatch(tensor: String, expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case .invalidStepCount(let count):
            return "optimizer state: step count \(count) is negative"
        case .invalidStep(let parameter, let value):
            return "optimizer state: '\(parameter).step' must be one non-negative integer, found \(value)"
        case .nameMismatch(let missing, let unexpected):
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing \(missing.joined(separator: ", "))") }
            if !unexpected.isEmpty { parts.append("unexpected \(unexpected.joined(separator: ", "))") }
            return "optimizer state does not match the parameters: " + parts.joined(separator: "; ")
        case .shapeMismatch(let tensor, let expected, let found):
            return "optimizer state: '\(tensor)' has shape \(found), the parameter has \(expected)"
        }
    }
}
