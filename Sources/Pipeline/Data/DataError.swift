/// A training, evaluation or input file that cannot be used, with the file and line to fix, in the
/// `file:line: message` form compilers use.
public struct DataError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    /// 1-based; nil when the problem is the file as a whole.
    public let line: Int?
    /// 1-based byte within the line, for errors about a place in it (a tree's bracket); else nil.
    public let column: Int?
    public let message: String

    public init(path: String, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.path = path
        self.line = line
        self.column = line == nil ? nil : column
        self.message = message
    }

    public var description: String {
        guard let line else { return "\(path): \(message)" }
        return column.map { "\(path):\(line):\($0): \(message)" } ?? "\(path):\(line): \(message)"
    }
}
