/// A training, evaluation or input file that cannot be used, with the file and line to fix, in the
/// `file:line: message` form compilers use.
public struct DataError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    /// 1-based; nil when the problem is the file as a whole.
    public let line: Int?
    public let message: String

    public init(path: String, line: Int? = nil, _ message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        line.map { "\(path):\($0): \(message)" } ?? "\(path): \(message)"
    }
}
