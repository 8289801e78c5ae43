import FileIO
import Foundation
import Pipeline
import Yams

/// A training recipe: a YAML file of `nlp train` options, `--config recipe.yaml`. Each key is a
/// long option of the command without its dashes, and its value becomes the option's value:
///
///     merges: 8000                  # --merges 8000
///     tie-embeddings: true          # --tie-embeddings   (false: --no-tie-embeddings)
///     corpus:                       # a list: the option once per entry
///       - multi30k/train.en,multi30k/train.de@2
///       - source: anki/train.en     # a corpus as a mapping: source and target, or tsv;
///         target: anki/train.de     # weight optional
///         weight: 0.5
///
/// The recipe's options go first and the command line's after them; an option given on the
/// command line replaces the recipe's value (all of its values, for a list). Paths are as on the
/// command line (relative to the current folder). The command checks every option as usual, and
/// errors about an option from the recipe name the recipe's file and line: an unknown key, a bad
/// value, a value of the wrong shape.
public struct Recipe {
    /// One option of the recipe, as the command-line words it stands for.
    public struct Entry: Sendable {
        public var key: String
        public var line: Int
        public var arguments: [String]
    }

    public let path: String
    public private(set) var entries: [Entry]

    public init(path: String) throws {
        self.path = path
        let text: String
        let bytes: [UInt8]
        do throws(FileError) { bytes = try InputFile(path: path).readAll() } catch {
            throw DataError(path: path, "cannot read the recipe: \(error.reason)")
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else { throw DataError(path: path, "the recipe is not UTF-8 text") }
        text = decoded
        do {
            let root: Node?
            do {
                root = try Yams.compose(yaml: text)
            } catch let error as YamlError {
                throw Self.error(error, path: path, text: text)
            }
            guard let root else { throw DataError(path: path, "the recipe is empty") }
            guard case .mapping(let mapping) = root else {
                throw DataError(path: path, line: root.mark?.line, "a recipe is a mapping of option names to values (`merges: 8000`)")
            }
            var entries: [Entry] = []
            for (keyNode, value) in mapping {
                let line = keyNode.mark?.line ?? 1
                guard case .scalar(let key) = keyNode, !key.string.isEmpty, !key.string.hasPrefix("-") else {
                    throw DataError(path: path, line: line, "a key is an option name without its dashes (`batch-size`)")
                }
                if key.string == "config" { throw DataError(path: path, line: line, "a recipe cannot name another recipe") }
                entries.append(Entry(key: key.string, line: line, arguments: try Self.arguments(key.string, value, path: path)))
            }
            self.entries = entries
        } catch let error as DataError {
            // libyaml places a problem at the end of the text, and the missing value of a last
            // key, on the line after the last.
            throw DataError(path: path, line: error.line.map { max(min($0, Self.lineCount(of: text)), 1) }, column: error.column,
                            error.message)
        }
    }

    /// The command-line words of `--key value`.
    private static func arguments(_ key: String, _ value: Node, path: String) throws -> [String] {
        let line = value.mark?.line
        switch value {
        case .scalar(let scalar):
            if scalar.style == .plain, let flag = value.bool { return [flag ? "--" + key : "--no-" + key] }
            if scalar.style == .plain, value.null != nil {
                throw DataError(path: path, line: line, "'\(key)' has no value")
            }
            return ["--" + key, scalar.string]
        case .sequence(let sequence):
            return try sequence.flatMap { item -> [String] in
                switch item {
                case .scalar(let scalar): return ["--" + key, scalar.string]
                case .mapping(let corpus): return ["--" + key, try corpusSpec(corpus, key: key, path: path)]
                default: throw DataError(path: path, line: item.mark?.line, "an entry of '\(key)' must be a value or a corpus mapping")
                }
            }
        case .mapping:
            throw DataError(path: path, line: line, "'\(key)' takes a value or a list, not a mapping")
        case .alias:
            throw DataError(path: path, line: line, "aliases are not supported in recipes")
        }
    }

    /// A corpus given as a mapping (`source`/`target` or `tsv`, optional `weight`) as a `CorpusArgument` spec.
    private static func corpusSpec(_ mapping: Node.Mapping, key: String, path: String) throws -> String {
        var fields: [String: String] = [:]
        for (fieldNode, valueNode) in mapping {
            let line = fieldNode.mark?.line
            guard let field = fieldNode.string, ["source", "target", "tsv", "weight"].contains(field) else {
                throw DataError(path: path, line: line, "unknown field '\(fieldNode.string ?? "?")' in an entry of '\(key)' "
                                + "(a corpus has source and target, or tsv, and optionally weight)")
            }
            guard case .scalar(let scalar) = valueNode, !scalar.string.isEmpty else {
                throw DataError(path: path, line: valueNode.mark?.line, "'\(field)' must be a path or, for weight, a number")
            }
            if scalar.string.contains(",") || scalar.string.contains("@") {
                throw DataError(path: path, line: valueNode.mark?.line, "'\(field)' cannot contain ',' or '@'")
            }
            fields[field] = scalar.string
        }
        let line = mapping.mark?.line
        let files: String
        switch (fields["source"], fields["target"], fields["tsv"]) {
        case (let source?, let target?, nil): files = source + "," + target
        case (nil, nil, let tsv?): files = tsv
        default: throw DataError(path: path, line: line, "a corpus has source and target, or tsv")
        }
        return fields["weight"].map { files + "@" + $0 } ?? files
    }

    /// The recipe's words, less the options `commandLine` gives (as `--key`, `--no-key`,
    /// `--key=value`, or a short name in `shortNames`), followed by `commandLine`. The options
    /// left out are removed from `entries`.
    public mutating func expand(before commandLine: [String], shortNames: [String: String] = ["-o": "output", "-q": "quiet"]) -> [String] {
        var given = Set<String>()
        for word in commandLine where word.hasPrefix("-") {
            if let long = shortNames[word] { given.insert(long); continue }
            guard word.hasPrefix("--") else { continue }
            let name = String(word.dropFirst(2).prefix { $0 != "=" })
            given.insert(name)
            if name.hasPrefix("no-") { given.insert(String(name.dropFirst(3))) }
        }
        entries.removeAll { given.contains($0.key) }
        return entries.flatMap(\.arguments) + commandLine
    }

    /// The recipe's line for an error message about `--key`, if the recipe set it (and the
    /// command line did not).
    public func line(mentionedIn message: String) -> Int? {
        entries.first { entry in
            ["--" + entry.key, "--no-" + entry.key].contains { flag in
                var searchRange = message.startIndex..<message.endIndex
                while let found = message.range(of: flag, range: searchRange) {
                    let next = found.upperBound < message.endIndex ? message[found.upperBound] : " "
                    if !(next.isLetter || next.isNumber || next == "-") { return true }
                    searchRange = found.upperBound..<message.endIndex
                }
                return false
            }
        }?.line
    }

    /// The lines of `text` as YAML counts them: "\n", "\r\n", a lone "\r", U+0085, U+2028 and
    /// U+2029 each end one; a last line without a break is still a line.
    static func lineCount(of text: String) -> Int {
        var breaks = 0
        var previous: Unicode.Scalar = " "
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": if previous != "\r" { breaks += 1 }
            case "\r", "\u{85}", "\u{2028}", "\u{2029}": breaks += 1
            default: break
            }
            previous = scalar
        }
        return breaks + (["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains(previous) || text.isEmpty ? 0 : 1)
    }

    private static func error(_ error: YamlError, path: String, text: String) -> DataError {
        switch error {
        case .duplicatedKeysInMapping(let duplicates, _):
            // Yams names no line: the second line that starts with the key is it.
            let key = duplicates.sorted()[0]
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().filter { _, line in
                let trimmed = line.drop { $0 == " " }
                return trimmed.hasPrefix(key) && trimmed.dropFirst(key.count).drop { $0 == " " }.first == ":"
            }.map { $0.offset + 1 }
            let message = "'\(key)' is given twice" + (lines.count >= 2 ? " (first on line \(lines[0]))" : "")
            return DataError(path: path, line: lines.count >= 2 ? lines[1] : nil, message)
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return DataError(path: path, line: mark.line, "not valid YAML: \(problem)")
        default:
            return DataError(path: path, "not valid YAML: \(error)")
        }
    }
}
