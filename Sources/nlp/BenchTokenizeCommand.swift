import FileIO
import ArgumentParser
import Tensor
import Tokenize

/// `nlp bench-tokenize`: end-to-end tokenizer throughput against the raw ICU ceiling.
struct BenchTokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-tokenize",
        abstract: "Measure tokenizer throughput (MB/s) against raw ICU word breaking.",
        discussion: """
            Runs three things over the same FILE, in turn, until --seconds have passed:
              tokenize  the full 'nlp tokenize' path: read the file in chunks, validate UTF-8,
                        break words (pure-ASCII lines through the ASCII fast path, the rest
                        through ICU), join tokens with spaces, write to /dev/null;
              ICU only  the same path with the ASCII fast path switched off;
              raw ICU   only iterating ICU's word boundaries over the text, already converted
                        to UTF-16 in memory (the ceiling for an ICU-only tokenizer).
            and prints one JSON line with the best round of each: tokenize_mb_s, raw_icu_mb_s, \
            ratio = tokenize / raw, tokenize_icu_only_mb_s and ratio_icu_only (MB = 10^6 bytes \
            of the UTF-8 file). Use a release build.

            Example:
              $ cut -f1 deu.txt > /tmp/en.txt
              $ nlp bench-tokenize /tmp/en.txt --seconds 10
              {"file":"/tmp/en.txt","bytes":...,"tokenize_mb_s":...,"raw_icu_mb_s":...,"ratio":...}
            """
    )

    @OptionGroup var options: TokenizerOptions

    @Option(help: "Approximate total running time in seconds (at least one round of each is run).")
    var seconds = 6.0

    @Argument(help: ArgumentHelp("A UTF-8 text file, one sentence per line; a few MB or more.", valueName: "file"))
    var file: String

    func validate() throws {
        if !(seconds > 0) { throw ValidationError("--seconds must be positive.") }
    }

    func run() throws {
        var text: [UInt8] = []
        try LineReader(path: file).forEachBlock { block, _ in text.append(contentsOf: block) }
        guard !text.isEmpty else { throw ValidationError("\(file) is empty; nothing to measure.") }
        let counter = try ICUBoundaryCounter(utf8: text, locale: options.locale)
        let tokenizer = try options.makeTokenizer()
        let icuOnly = try ICUWordTokenizer(locale: options.locale, normalizer: options.normalizer, asciiFastPath: false)

        let clock = ContinuousClock()
        let start = clock.now
        var tokenizeTimes: [Double] = []
        var icuOnlyTimes: [Double] = []
        var rawTimes: [Double] = []
        var tokens = 0
        var boundaries = 0
        repeat {
            var counted = 0
            tokenizeTimes.append(try clock.measure { counted = try tokenizeFile(with: tokenizer) }.inSeconds)
            tokens = counted
            icuOnlyTimes.append(try clock.measure { counted = try tokenizeFile(with: icuOnly) }.inSeconds)
            precondition(counted == tokens, "the ASCII fast path and ICU disagree on the token count")
            rawTimes.append(clock.measure { boundaries = counter.countBoundaries() }.inSeconds)
        } while (clock.now - start).inSeconds < seconds

        let megabytes = Double(text.count) / 1e6
        let tokenizeSpeed = megabytes / tokenizeTimes.min()!
        let icuOnlySpeed = megabytes / icuOnlyTimes.min()!
        let rawSpeed = megabytes / rawTimes.min()!
        print("{\"file\":\"\(file)\",\"bytes\":\(text.count),\"tokens\":\(tokens),\"icu_boundaries\":\(boundaries),"
              + "\"rounds\":\(tokenizeTimes.count),\"ascii_fast_path\":\(tokenizer.usesASCIIFastPath),"
              + "\"tokenize_mb_s\":\(Self.rounded(tokenizeSpeed)),\"raw_icu_mb_s\":\(Self.rounded(rawSpeed)),"
              + "\"ratio\":\(Self.rounded(tokenizeSpeed / rawSpeed, places: 3)),"
              + "\"tokenize_icu_only_mb_s\":\(Self.rounded(icuOnlySpeed)),"
              + "\"ratio_icu_only\":\(Self.rounded(icuOnlySpeed / rawSpeed, places: 3)),"
              + "\"tokenize_mb_s_median\":\(Self.rounded(megabytes / Self.median(tokenizeTimes))),"
              + "\"raw_icu_mb_s_median\":\(Self.rounded(megabytes / Self.median(rawTimes)))}")
    }

    /// The `nlp tokenize` path over `file`, output to /dev/null; returns the token count.
    private func tokenizeFile(with tokenizer: ICUWordTokenizer) throws -> Int {
        let lineTokenizer = try LineTokenizer(tokenizer: tokenizer)
        let writer = try BufferedWriter(path: "/dev/null")
        try LineReader(path: file).forEachBlock { block, _ in
            lineTokenizer.process(block, into: &writer.buffer)
            try writer.flushIfFull()
        }
        try writer.flush()
        return lineTokenizer.tokenCount
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }

    private static func rounded(_ x: Double, places: Int = 2) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (x * scale).rounded() / scale
    }
}
