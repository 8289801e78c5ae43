#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors a user can cause by naming a file to read or write. Every `description` names the file
/// (and the line, where there is one) in the `file:line: message` form compilers use, so it can be
/// printed as is.
public enum FileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// There is no file at the path (or a folder on the way to it is missing).
    case missing(path: String)
    /// The file could not be opened (unreadable, ...). `reason` is the system's message.
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
    /// A `.gz` file whose compressed data ends early or is damaged, noticed after `line` complete
    /// lines were read; `reason` is zlib's message.
    case damagedGzip(path: String, line: Int, reason: String)

    /// The file the error is about.
    public var path: String {
        switch self {
        case let .missing(path), let .cannotOpen(path, _), let .readFailed(path, _), let .writeFailed(path, _),
             let .invalidUTF8(path, _, _, _), let .lineTooLong(path, _, _), let .damagedGzip(path, _, _):
            path
        }
    }

    /// What went wrong, without the path: the system's message for `missing`, `cannotOpen`,
    /// `readFailed` and `writeFailed`, else the description's text after the path ("line 3: ...").
    public var reason: String {
        switch self {
        case .missing:
            String(cString: strerror(ENOENT))
        case let .cannotOpen(_, reason), let .readFailed(_, reason), let .writeFailed(_, reason):
            reason
        case let .invalidUTF8(path, line, _, _), let .lineTooLong(path, line, _):
            "line \(line): " + description.dropFirst("\(path):\(line): ".count)
        case let .damagedGzip(path, _, _):
            String(description.dropFirst("\(path): ".count))
        }
    }

    public var description: String {
        switch self {
        case let .missing(path):
            return "\(path): cannot open: \(reason)"
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
        case let .damagedGzip(path, line, reason):
            return "\(path): gzip could not decompress it after line \(line) (\(reason)); is the file truncated?"
        }
    }

    /// The system's message for the current `errno`: "No such file or directory".
    public static func systemReason() -> String {
        String(cString: strerror(errno))
    }
}
