#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FileIO
import Tokenize

/// The sentence pairs of a parallel corpus for translation, in file order, read from either
///
/// - two line-aligned files, line *i* of the target translating line *i* of the source
///   (Multi30k's `train.en` and `train.de`): `try ParallelCorpus(source: "train.en", target: "train.de")`;
/// - one TAB-separated file with a pair per line (the Tatoeba/Anki `deu.txt`:
///   `Hi.<TAB>Hallo!`, possibly followed by an attribution column):
///   `try ParallelCorpus(tsv: "deu.txt", sourceColumn: 1, targetColumn: 2)`.
///
/// Lines are split on "\n" only; a last line without "\n" is still a line, and an empty file has no
/// lines. A UTF-8 byte order mark at the start of a file is dropped. Each side is trimmed of
/// leading and trailing whitespace (Unicode White_Space: spaces, TABs, "\r", U+00A0, U+202F, …;
/// not U+200B), which also drops the "\r" of files written on Windows. A side's words are the runs
/// of non-whitespace between whitespace, so a sentence without spaces is one word.
///
/// Problems, each a `DataError` naming the file and 1-based line:
/// - a line that is not valid UTF-8 (in a two-file corpus, the file that holds it; in a TSV file,
///   only the source and target columns are checked);
/// - an empty or whitespace-only source or target (a blank line is one);
/// - a side of more than `options.maximumWords` words;
/// - a TSV line with fewer TABs than the source and target columns need.
///
/// `options.policy` decides: `.fail` throws the first, `.skip` leaves the pair out and records
/// the problem (one per pair, the first found) in `skipped`.
///
/// Always errors, whatever the policy: a file that cannot be read (`FileError`), two files
/// with different numbers of lines (the lines are then likely shifted, so no pair can be trusted;
/// the error names the shorter file and both counts), a corpus without lines and a corpus whose
/// every pair was skipped.
///
/// The files are read whole into memory (the pairs are held in memory anyway).
public struct ParallelCorpus: Equatable, Sendable {
    /// The usable pairs, in file order.
    public var pairs: [SentencePair]
    /// The problems of the pairs left out under `.skip`, in file order; empty under `.fail`.
    public var skipped: [DataError]

    public init(pairs: [SentencePair], skipped: [DataError] = []) {
        self.pairs = pairs
        self.skipped = skipped
    }

    /// Reads two line-aligned files: line *i* of `target` is the translation of line *i* of `source`.
    public init(source: String, target: String, options: ParallelCorpusOptions = ParallelCorpusOptions()) throws {
        let sourceBytes = try Self.contents(of: source)
        let targetBytes = try Self.contents(of: target)
        var pairs: [SentencePair] = [], skipped: [DataError] = []
        try sourceBytes.withUnsafeBufferPointer { sourceFile in
            try targetBytes.withUnsafeBufferPointer { targetFile in
                var sourceLines = Lines(sourceFile), targetLines = Lines(targetFile)
                let sourceCount = sourceLines.count, targetCount = targetLines.count
                if sourceCount != targetCount {
                    let (short, shortCount, long, longCount) = sourceCount < targetCount
                        ? (source, sourceCount, target, targetCount) : (target, targetCount, source, sourceCount)
                    throw DataError(path: short, "has \(Self.lines(shortCount)) but \(long) has \(longCount); the source and "
                                    + "target files must be line-aligned (line i of one translates line i of the other)")
                }
                guard sourceCount > 0 else { throw DataError(path: source, "the file has no lines (it is empty)") }
                pairs.reserveCapacity(sourceCount)
                var number = 0
                while let sourceLine = sourceLines.next(), let targetLine = targetLines.next() {
                    number += 1
                    do {
                        let sourceText = try Self.side(sourceLine, lineStart: 0, path: source, number: number,
                                                       name: "source", maximumWords: options.maximumWords)
                        let targetText = try Self.side(targetLine, lineStart: 0, path: target, number: number,
                                                       name: "target", maximumWords: options.maximumWords)
                        pairs.append(SentencePair(source: sourceText, target: targetText, line: number))
                    } catch let problem as DataError where options.policy == .skip {
                        skipped.append(problem)
                    }
                }
            }
        }
        try self.init(checking: pairs, skipped: skipped, path: source)
    }

    /// Reads a TAB-separated file with one pair per line; columns count from 1. Columns after
    /// the last one used (an attribution, say) are ignored.
    public init(tsv path: String, sourceColumn: Int = 1, targetColumn: Int = 2,
                options: ParallelCorpusOptions = ParallelCorpusOptions()) throws {
        precondition(sourceColumn >= 1 && targetColumn >= 1, "columns count from 1")
        precondition(sourceColumn != targetColumn, "the source and the target are in different columns")
        let bytes = try Self.contents(of: path)
        let needed = max(sourceColumn, targetColumn)
        var pairs: [SentencePair] = [], skipped: [DataError] = []
        try bytes.withUnsafeBufferPointer { file in
            var lines = Lines(file)
            guard lines.count > 0 else { throw DataError(path: path, "the file has no lines (it is empty)") }
            pairs.reserveCapacity(lines.count)
            var number = 0
            var fields = [Range<Int>](repeating: 0..<0, count: needed)
            while let line = lines.next() {
                number += 1
                do {
                    // Fields up to the last one needed; TAB is ASCII, so splitting is safe even in invalid UTF-8.
                    var found = 0, start = 0
                    while found < needed {
                        let end = Self.nextByte(0x09, in: line, from: start)
                        fields[found] = start..<end
                        found += 1
                        if end == line.count { break }
                        start = end + 1
                    }
                    guard found == needed else {
                        let what = line.isEmpty ? "an empty line" : "\(found) column\(found == 1 ? "" : "s")"
                        throw DataError(path: path, line: number,
                                        "\(what), expected at least \(needed) separated by TABs (source in column "
                                            + "\(sourceColumn), target in column \(targetColumn))")
                    }
                    let sourceField = fields[sourceColumn - 1], targetField = fields[targetColumn - 1]
                    let sourceText = try Self.side(UnsafeBufferPointer(rebasing: line[sourceField]), lineStart: sourceField.lowerBound,
                                                   path: path, number: number, name: "source (column \(sourceColumn))",
                                                   maximumWords: options.maximumWords)
                    let targetText = try Self.side(UnsafeBufferPointer(rebasing: line[targetField]), lineStart: targetField.lowerBound,
                                                   path: path, number: number, name: "target (column \(targetColumn))",
                                                   maximumWords: options.maximumWords)
                    pairs.append(SentencePair(source: sourceText, target: targetText, line: number))
                } catch let problem as DataError where options.policy == .skip {
                    skipped.append(problem)
                }
            }
        }
        try self.init(checking: pairs, skipped: skipped, path: path)
    }

    /// The result of a read, or an error when every pair was skipped.
    private init(checking pairs: [SentencePair], skipped: [DataError], path: String) throws {
        if pairs.isEmpty, let first = skipped.first {
            throw DataError(path: path, "no usable sentence pairs: all \(skipped.count) were skipped; the first: \(first)")
        }
        self.init(pairs: pairs, skipped: skipped)
    }

    /// A line for people about the skipped pairs, listing the first `limit` problems, or nil
    /// when none were skipped: `skipped 3 pairs: train.en:17: empty source; train.de:40: empty target; …`.
    public func skippedSummary(listing limit: Int = 5) -> String? {
        guard !skipped.isEmpty else { return nil }
        var text = "skipped \(skipped.count) pair\(skipped.count == 1 ? "" : "s"): "
        text += skipped.prefix(max(limit, 0)).map(\.description).joined(separator: "; ")
        if skipped.count > limit { text += (limit > 0 ? "; " : "") + "and \(skipped.count - max(limit, 0)) more" }
        return text
    }

    // MARK: - Reading

    /// The text of one side: validated, trimmed, checked for emptiness and length. `lineStart` is
    /// the side's byte offset in its line (for the byte named on invalid UTF-8).
    private static func side(
        _ bytes: UnsafeBufferPointer<UInt8>, lineStart: Int, path: String, number: Int, name: String, maximumWords: Int?
    ) throws(DataError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let offset = firstInvalidByte(bytes)
            let hex = String(bytes[offset], radix: 16, uppercase: true)
            throw DataError(path: path, line: number,
                            "invalid UTF-8 at byte \(lineStart + offset + 1) of the line (0x\(hex.count == 1 ? "0" + hex : hex)); "
                                + "the file must be UTF-8 encoded")
        }
        let (first, end, words) = trimmedRangeAndWords(bytes)
        guard words > 0 else { throw DataError(path: path, line: number, "empty \(name)") }
        if let maximumWords, words > maximumWords {
            throw DataError(path: path, line: number, "\(name) has \(words) words, more than the maximum of \(maximumWords)")
        }
        return first == 0 && end == bytes.count ? text : String(decoding: UnsafeBufferPointer(rebasing: bytes[first..<end]), as: UTF8.self)
    }

    /// The byte range without leading and trailing whitespace, and the number of words, of valid UTF-8.
    private static func trimmedRangeAndWords(_ bytes: UnsafeBufferPointer<UInt8>) -> (first: Int, end: Int, words: Int) {
        var first = -1, end = 0, words = 0
        var i = 0, inWord = false
        while i < bytes.count {
            let byte = bytes[i]
            let length: Int, isSpace: Bool
            if byte < 0x80 {
                length = 1
                isSpace = byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
            } else {
                // Valid UTF-8: the lead byte gives the length, the rest carry 6 bits each.
                length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                var value = UInt32(byte) & (0xFF >> (length + 1))
                for k in 1..<length { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
                isSpace = Unicode.Scalar(value)?.properties.isWhitespace ?? false
            }
            if !isSpace {
                if !inWord { words += 1 }
                if first < 0 { first = i }
                end = i + length
            }
            inWord = !isSpace
            i += length
        }
        return (max(first, 0), end, words)
    }

    /// The offset of the first byte of the first ill-formed sequence (in invalid UTF-8).
    private static func firstInvalidByte(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .error: return offset
            case .emptyInput: return 0  // not reached: only called on invalid UTF-8
            }
        }
    }

    /// "1 line", "29000 lines".
    private static func lines(_ count: Int) -> String { "\(count) line\(count == 1 ? "" : "s")" }

    /// The index of the first `byte` in `buffer` at or after `from`, or `buffer.count`.
    private static func nextByte(_ byte: UInt8, in buffer: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        guard from < buffer.count, let base = buffer.baseAddress,
              let hit = memchr(base + from, Int32(byte), buffer.count - from) else { return buffer.count }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    /// The lines of a file's bytes, without "\n", after a byte order mark.
    private struct Lines {
        let bytes: UnsafeBufferPointer<UInt8>
        private var start: Int

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
            start = bom ? 3 : 0
        }

        /// Number of lines: the "\n"s, plus one for a last line without "\n".
        var count: Int {
            var n = 0, i = start
            while i < bytes.count {
                i = ParallelCorpus.nextByte(0x0A, in: bytes, from: i) + 1
                n += 1
            }
            return n
        }

        mutating func next() -> UnsafeBufferPointer<UInt8>? {
            guard start < bytes.count else { return nil }
            let end = ParallelCorpus.nextByte(0x0A, in: bytes, from: start)
            defer { start = end + 1 }
            return UnsafeBufferPointer(rebasing: bytes[start..<end])
        }
    }

    /// The bytes of the file at `path` (decompressed for a `.gz` file).
    private static func contents(of path: String) throws(FileError) -> [UInt8] {
        try InputFile(path: path).readAll()
    }
}
