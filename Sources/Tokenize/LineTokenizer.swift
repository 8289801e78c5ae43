import FileIO

/// Tokenizes text line by line and formats the result as bytes: the engine of `nlp tokenize`.
///
/// Output, one line per input line (or per sentence with `splitSentences`):
/// - `.text`: the tokens separated by single spaces (`Hello , world !`);
/// - `.jsonOffsets`: a JSON array of `{"text":…,"start":…,"end":…}` objects, where `start` and
///   `end` are UTF-8 byte offsets into the INPUT line and `text` is the normalized token.
///
/// With `splitSentences`, each input line is split into sentences first (`SentenceSplitter`) and
/// every sentence gets its own output line; an input line without any sentence (empty or blank)
/// gives one empty output line.
///
/// In `.text` mode without sentence splitting a whole block of lines is broken with one call into
/// ICU and token bytes are copied straight into the output: no `String` per token.
public final class LineTokenizer {
    /// Output formats.
    public enum Format: Sendable {
        case text
        case jsonOffsets
    }

    public let tokenizer: ICUWordTokenizer
    public let format: Format
    private let sentenceSplitter: SentenceSplitter?
    /// Number of tokens written so far.
    public private(set) var tokenCount = 0
    /// Number of output lines written so far.
    public private(set) var outputLineCount = 0
    /// Raw output buffer of the fast path, reused from block to block.
    private var scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
    private var scratchCapacity = 1

    public init(tokenizer: ICUWordTokenizer, format: Format = .text, splitSentences: Bool = false) throws(TokenizeError) {
        self.tokenizer = tokenizer
        self.format = format
        self.sentenceSplitter = splitSentences ? try SentenceSplitter(locale: tokenizer.locale) : nil
    }

    deinit { scratch.deallocate() }

    /// Tokenizes the lines of `block` (lines end with "\n"; the last one may not, and still counts
    /// as a line) and appends the output lines, each ending with "\n", to `out`.
    public func process(_ block: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        if format == .text && sentenceSplitter == nil {
            processBlockAsText(block, into: &out)
        } else {
            LineReader.forEachLine(in: block, firstLine: 1) { line, _ in processLine(line, into: &out) }
        }
    }

    /// Fast path: one ICU call for the whole block; newlines are found with `memchr` while walking
    /// the token ranges (ICU never puts a "\n" inside a token). Without normalization the output
    /// is assembled in a reusable raw buffer and appended to `out` with one copy.
    private func processBlockAsText(_ block: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        guard let base = block.baseAddress, block.count > 0 else { return }
        let normalizer = tokenizer.normalizer
        let identity = normalizer.isIdentity
        // Without normalization the output is at most 2 bytes per input byte (+ final "\n").
        // + 16: short tokens are copied as two 8-byte words, which may write past their end.
        if identity { reserveScratch(2 * block.count + 17) } else { out.reserveCapacity(out.count + 2 * block.count + 16) }
        let dst = scratch
        var written = 0
        var lineEnd = LineReader.nextNewline(in: block, from: 0)
        var atLineStart = true
        var lines = 0
        tokenizer.withTokenRanges(in: block) { ranges in
            tokenCount += ranges.count
            for range in ranges {
                while range.lowerBound > lineEnd {
                    if identity { dst[written] = 0x0A; written += 1 } else { out.append(0x0A) }
                    lines += 1
                    atLineStart = true
                    lineEnd = LineReader.nextNewline(in: block, from: lineEnd + 1)
                }
                let count = range.count
                if identity {
                    if !atLineStart { dst[written] = 0x20; written += 1 }
                    let src = base + range.lowerBound
                    if count <= 16 && range.lowerBound + 16 <= block.count {
                        // Copy 16 bytes (stays inside the block); only `count` of them are kept.
                        let raw = UnsafeRawPointer(src)
                        let target = UnsafeMutableRawPointer(dst + written)
                        target.storeBytes(of: raw.loadUnaligned(as: UInt64.self), as: UInt64.self)
                        target.storeBytes(of: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                                          toByteOffset: 8, as: UInt64.self)
                    } else {
                        (dst + written).update(from: src, count: count)
                    }
                    written += count
                } else {
                    if !atLineStart { out.append(0x20) }
                    normalizer.append(UnsafeBufferPointer(start: base + range.lowerBound, count: count), to: &out)
                }
                atLineStart = false
            }
        }
        // Empty lines after the last token, and the "\n" of an unterminated last line.
        var trailing = 0
        while lineEnd < block.count {
            trailing += 1
            lineEnd = LineReader.nextNewline(in: block, from: lineEnd + 1)
        }
        if block[block.count - 1] != 0x0A { trailing += 1 }
        if identity {
            out.append(contentsOf: UnsafeBufferPointer(start: dst, count: written))
        }
        out.append(contentsOf: repeatElement(0x0A, count: trailing))
        outputLineCount += lines + trailing
    }

    /// Grows the raw output buffer of the fast path to at least `capacity` bytes.
    private func reserveScratch(_ capacity: Int) {
        if capacity <= scratchCapacity { return }
        scratch.deallocate()
        scratchCapacity = max(capacity, 2 * scratchCapacity)
        scratch = .allocate(capacity: scratchCapacity)
    }

    /// General path: one input line (without its "\n").
    private func processLine(_ line: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        let sentences = sentenceSplitter?.sentenceRanges(in: line) ?? [0..<line.count]
        tokenizer.withTokenRanges(in: line) { ranges in
            var next = 0  // first token not yet written
            for sentence in sentences {
                let first = next
                while next < ranges.count && ranges[next].lowerBound < sentence.upperBound { next += 1 }
                writeLine(line, tokens: ranges[first..<next], into: &out)
            }
            if sentences.isEmpty { writeLine(line, tokens: ranges[0..<0], into: &out) }
        }
    }

    private func writeLine(_ line: UnsafeBufferPointer<UInt8>, tokens: Slice<TokenRanges>, into out: inout [UInt8]) {
        let normalizer = tokenizer.normalizer
        tokenCount += tokens.count
        outputLineCount += 1
        var scratch: [UInt8] = []
        if format == .jsonOffsets { out.append(0x5B) }
        for (k, range) in tokens.enumerated() {
            let bytes = UnsafeBufferPointer(rebasing: line[range])
            switch format {
            case .text:
                if k > 0 { out.append(0x20) }
                normalizer.append(bytes, to: &out)
            case .jsonOffsets:
                if k > 0 { out.append(0x2C) }
                scratch.removeAll(keepingCapacity: true)
                normalizer.append(bytes, to: &scratch)
                out.append(contentsOf: #"{"text":"#.utf8)
                scratch.withUnsafeBufferPointer { OutputBytes.appendJSONString($0, to: &out) }
                out.append(contentsOf: #","start":"#.utf8)
                OutputBytes.appendDecimal(range.lowerBound, to: &out)
                out.append(contentsOf: #","end":"#.utf8)
                OutputBytes.appendDecimal(range.upperBound, to: &out)
                out.append(0x7D)
            }
        }
        if format == .jsonOffsets { out.append(0x5D) }
        out.append(0x0A)
    }
}
