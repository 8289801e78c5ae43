import FileIO
import Tokenize

/// Reads CoNLL-style files: one token per line, its columns separated by spaces or TABs, a blank
/// line between sentences. This covers CoNLL-2003 (`EU NNP B-NP B-ORG`, space-separated, four
/// columns, `-DOCSTART- -X- -X- O` lines between documents) and WNUT-17 (`@paulwalk<TAB>O`).
///
/// - Columns are separated by any run of spaces and TABs; trailing spaces, TABs and a trailing
///   `\r` are ignored. A line of only spaces and TABs is blank. A line that starts with a space
///   or TAB is an error: its first column is empty (in a TAB-separated file, `<TAB>O` is a
///   token-less line).
/// - A blank line ends a sentence. Several blank lines in a row, blank lines at the start and
///   no blank line at the end of the file are all fine.
/// - A line whose first column is `-DOCSTART-` is not a token: it ends the sentence before it
///   and is kept as `documentStart` of the next sentence. (A `-DOCSTART-` line with no sentence
///   before the next one or before the end of the file is dropped.)
/// - Every line of a sentence must have as many columns as its first line, and enough for the
///   token and tag columns (with the tag in the last column, at least one more than the token
///   column needs: the tag must be a column of its own).
/// - Errors name the file and line (`DataError`); invalid UTF-8 is reported by `LineReader`
///   (`FileError.invalidUTF8`, also with the line). A file without sentences is an error.
///
/// Reading streams: `forEachSentence` holds one sentence at a time, whatever the file size.
/// A reader can read its file any number of times.
public struct CoNLLReader: Sendable {
    /// Which column holds the tag.
    public enum TagColumn: Hashable, Encodable, Sendable {
        /// The last column of each line (CoNLL-2003's NER tag, WNUT-17's tag).
        case last
        /// A fixed column, 0-based.
        case index(Int)
        /// No tags: tokens only (input to be tagged); a sentence's `tags` then repeat its tokens.
        case none
    }

    /// The file read, as named in errors.
    public let path: String
    /// The column (0-based) that holds the token.
    public let tokenColumn: Int
    public let tagColumn: TagColumn

    /// A reader of `path`; the file is opened by each read. Columns count from 0 and must differ
    /// (callers check options given by users before they get here).
    public init(path: String, tokenColumn: Int = 0, tagColumn: TagColumn = .last) {
        precondition(tokenColumn >= 0, "columns count from 0")
        if case .index(let tag) = tagColumn {
            precondition(tag >= 0, "columns count from 0")
            precondition(tag != tokenColumn, "the token and the tag are in different columns")
        }
        self.path = path
        self.tokenColumn = tokenColumn
        self.tagColumn = tagColumn
    }

    /// Calls `body` with each sentence of the file, in order.
    public func forEachSentence(_ body: (CoNLLSentence) throws -> Void) throws {
        var rows: [[String]] = []
        var lineNumbers: [Int] = []
        var documentStart: [String]?
        var sentences = 0
        func endSentence() throws {
            guard !rows.isEmpty else { return }
            let columns = rows[0].count
            let tag: Int
            switch tagColumn {
            case .last: tag = columns - 1
            case .index(let index): tag = index
            case .none: tag = tokenColumn
            }
            let sentence = CoNLLSentence(rows: rows, lineNumbers: lineNumbers, tokenColumn: tokenColumn,
                                         tagColumn: tag, documentStart: documentStart)
            rows.removeAll(keepingCapacity: true)
            lineNumbers.removeAll(keepingCapacity: true)
            documentStart = nil
            sentences += 1
            try body(sentence)
        }
        try LineReader(path: path).forEachLine { line, number in
            let columns = try Self.columns(of: line, path: path, number: number, tokenColumn: tokenColumn)
            if columns.isEmpty { return try endSentence() }
            if columns[0] == "-DOCSTART-" {
                try endSentence()
                documentStart = columns
                return
            }
            if let first = rows.first {
                guard columns.count == first.count else {
                    throw DataError(path: path, line: number,
                                    "\(columns.count) column\(columns.count == 1 ? "" : "s"), but the sentence's first line "
                                        + "(line \(lineNumbers[0])) has \(first.count); is a blank line missing between sentences?")
                }
            } else {
                try checkColumnCount(columns.count, number: number)
            }
            rows.append(columns)
            lineNumbers.append(number)
        }
        try endSentence()
        guard sentences > 0 else { throw DataError(path: path, "the file has no sentences (it is empty or blank)") }
    }

    /// Every sentence of the file.
    public func readAll() throws -> [CoNLLSentence] {
        var sentences: [CoNLLSentence] = []
        try forEachSentence { sentences.append($0) }
        return sentences
    }

    /// Throws unless a line of `count` columns has the token and tag columns.
    private func checkColumnCount(_ count: Int, number: Int) throws {
        let needed: Int, tagDescription: String
        switch tagColumn {
        case .last:
            needed = tokenColumn + 2
            tagDescription = "the tag in the last column, after it"
        case .index(let tag):
            needed = max(tokenColumn, tag) + 1
            tagDescription = "the tag in column \(tag)"
        case .none:
            needed = tokenColumn + 1
            tagDescription = "no tag"
        }
        guard count < needed else { return }
        throw DataError(path: path, line: number,
                        "\(count) column\(count == 1 ? "" : "s"), expected at least \(needed) "
                            + "(the token in column \(tokenColumn), \(tagDescription); columns count from 0)")
    }

    /// The columns of a line (empty for a blank line), split at runs of spaces and TABs.
    static func columns(of line: UnsafeBufferPointer<UInt8>, path: String, number: Int, tokenColumn: Int) throws -> [String] {
        var end = line.count
        if end > 0 && line[end - 1] == 0x0D { end -= 1 }
        var columns: [String] = []
        var i = 0
        while i < end {
            if line[i] == 0x20 || line[i] == 0x09 {
                i += 1
                continue
            }
            if columns.isEmpty && i > 0 {
                let what = tokenColumn == 0 ? "an empty token" : "an empty column 0"
                throw DataError(path: path, line: number, "\(what): the line starts with a space or TAB")
            }
            let start = i
            while i < end && line[i] != 0x20 && line[i] != 0x09 { i += 1 }
            // UTF-8 was checked by the LineReader.
            columns.append(String(decoding: UnsafeBufferPointer(rebasing: line[start..<i]), as: UTF8.self))
        }
        return columns
    }
}
