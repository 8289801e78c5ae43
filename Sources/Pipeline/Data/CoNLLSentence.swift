/// One sentence of a CoNLL-style file (one token per line, columns separated by spaces or TABs),
/// with every column of every line as in the file and the lines' numbers, so that errors can
/// name the line and `CoNLLWriter` can write the columns back.
///
/// ```
/// -DOCSTART- -X- -X- O         ← documentStart of the sentence below
///
/// EU NNP B-NP B-ORG            ← rows[0] = ["EU", "NNP", "B-NP", "B-ORG"], lineNumbers[0] = 3
/// rejects VBZ B-VP O
/// ```
public struct CoNLLSentence: Hashable, Codable, Sendable {
    /// The columns of each token's line, in order; every row has the same number of columns.
    public var rows: [[String]]
    /// The 1-based line number of each row in its file.
    public var lineNumbers: [Int]
    /// The column (0-based) that holds the token.
    public var tokenColumn: Int
    /// The column (0-based) that holds the tag.
    public var tagColumn: Int
    /// The columns of the `-DOCSTART-` line that opened a new document right before this
    /// sentence (blank lines between them do not matter), or nil.
    public var documentStart: [String]?

    public init(rows: [[String]], lineNumbers: [Int], tokenColumn: Int, tagColumn: Int, documentStart: [String]? = nil) {
        precondition(!rows.isEmpty, "a sentence has at least one token")
        precondition(rows.count == lineNumbers.count, "one line number per row")
        let columns = rows[0].count
        precondition(rows.allSatisfy { $0.count == columns }, "every row has the same number of columns")
        precondition(tokenColumn >= 0 && tokenColumn < columns && tagColumn >= 0 && tagColumn < columns,
                     "token column \(tokenColumn) and tag column \(tagColumn) must exist in rows of \(columns) columns")
        self.rows = rows
        self.lineNumbers = lineNumbers
        self.tokenColumn = tokenColumn
        self.tagColumn = tagColumn
        self.documentStart = documentStart
    }

    /// Number of tokens.
    public var count: Int { rows.count }

    /// Number of columns of each row.
    public var columnCount: Int { rows[0].count }

    /// The tokens, in order.
    public var tokens: [String] { rows.map { $0[tokenColumn] } }

    /// The tags, in order.
    public var tags: [String] { rows.map { $0[tagColumn] } }
}
