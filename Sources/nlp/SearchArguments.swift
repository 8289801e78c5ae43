import ArgumentParser
import Pipeline

/// How `nlp translate` and `nlp eval translate` search for translations.
struct SearchArguments: ParsableArguments {
    @Option(help: "Beam size (1: greedy search).")
    var beam = 5

    @Option(help: "A translation has at most ratio × source pieces + 5 pieces.")
    var maxLengthRatio = 2.0

    @Option(help: "Length normalisation α of beam search: hypotheses are ranked by log p / (pieces + 1)^α.")
    var lengthPenalty = 1.0

    @Flag(inversion: .prefixedNo, help: "Replace unknown output words by the source word they attend to most.")
    var replaceUnknown = true

    @Option(help: "Sentences decoded together.")
    var batchSize = 32

    func options(nBest: Int) -> TranslationSearchOptions {
        var options = TranslationSearchOptions()
        options.beam = beam
        options.nBest = nBest
        options.maximumLengthRatio = maxLengthRatio
        options.lengthNormalization = lengthPenalty
        options.replaceUnknown = replaceUnknown
        options.batchSize = batchSize
        return options
    }

    func validate() throws {
        if let problem = options(nBest: 1).problem { throw ValidationError(problem) }
    }
}
