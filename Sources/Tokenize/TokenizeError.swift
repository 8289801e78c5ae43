/// Errors a user can cause while reading text or vocabulary files. Every `description` names the
/// file (and the line, where there is one) in the `file:line: message` form compilers use, so it
/// can be printed as is.
public enum TokenizeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened (missing, unreadable, ...). `reason` is the system's message.
    case cannotOpen(path: String, reason: String)
    /// Reading failed after the file was opened (for example, it is a directory).
    case readFailed(path: String, reason: String)
    /// Writing failed (disk full, permission denied, ...).
    case writeFailed(path: String, reason: String)
    /// Line `line` (1-based) is not valid UTF-8; `byte` is the 1-based byte column of the first
    /// ill-formed sequence within the line and `value` the byte found there.
    case invalidUTF8(path: String, line: Int, byte: Int, value: UInt8)
    /// Line `line` is longer than the reader accepts.
    case lineTooLong(path: String, line: Int, limit: Int)
    /// A vocabulary file does not follow the format described on `Vocabulary`.
    case malformedVocabulary(path: String, line: Int, reason: String)
    /// ICU refused an operation (for example, a break iterator for a locale); `code` is ICU's
    /// UErrorCode value.
    case icuFailure(operation: String, code: Int32)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "\(path): cannot open: \(reason)"
        case let .readFailed(path, reason):
            return "\(path): read failed: \(reason)"
        case let .writeFailed(path, reason):
            return "\(path): write failed: \(reason)"
        case let .invalidUTF8(path, line, byte, value):
            let hex = String(value, radix: 16, uppercase: true)
            return "\(path):\(line): invalid UTF-8 at byte \(byte) of the line (0x\(hex.count == 1 ? "0" + hex : hex)); "
                + "the file must be UTF-8 encoded"
        case let .lineTooLong(path, line, limit):
            return "\(path):\(line): line longer than \(limit) bytes"
        case let .malformedVocabulary(path, line, reason):
            return "\(path):\(line): malformed vocabulary file: \(reason)"
        case let .icuFailure(operation, code):
            return "ICU error \(code) in \(operation)"
        }
    }
}
