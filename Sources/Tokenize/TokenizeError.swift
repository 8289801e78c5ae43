/// Errors of tokenizing: a vocabulary file that breaks its format, naming the file and line in the
/// `file:line: message` form compilers use, and ICU refusing an operation. Files that cannot be
/// read, or are not UTF-8, throw `FileError`.
public enum TokenizeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A vocabulary file does not follow the format described on `Vocabulary`.
    case malformedVocabulary(path: String, line: Int, reason: String)
    /// ICU refused an operation (for example, a break iterator for a locale); `code` is ICU's
    /// UErrorCode value.
    case icuFailure(operation: String, code: Int32)

    public var description: String {
        switch self {
        case let .malformedVocabulary(path, line, reason):
            return "\(path):\(line): malformed vocabulary file: \(reason)"
        case let .icuFailure(operation, code):
            return "ICU error \(code) in \(operation)"
        }
    }
}
