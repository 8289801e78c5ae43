import ArgumentParser
import Seq2Seq

/// The recurrent encoder's options, shared by the `nlp train` tasks; `Defaults` gives each task's
/// default cell and width, which the help shows.
struct EncoderArguments<Defaults: EncoderDefaults>: ParsableArguments {
    @Option(help: "Recurrent cell.")   // the help lists CellKind.allCases
    var cell = Defaults.cell

    @Option(help: "Stacked recurrent layers.")
    var layers = 1

    @Option(help: "Hidden units per direction.")
    var hidden = Defaults.hidden

    @Option(help: "Dropout between stacked layers.")
    var layerDropout = 0.0

    /// The encoder these options describe, reading vectors of width `inputSize`. The ranges are
    /// checked by the task's training settings (`problem`), which hold it.
    func configuration(inputSize: Int, bidirectional: Bool, merge: DirectionMerge = .concat) -> EncoderConfiguration {
        EncoderConfiguration(cell: cell, inputSize: inputSize, hiddenSize: hidden, layers: layers,
                             bidirectional: bidirectional, merge: merge, dropout: layerDropout)
    }
}

/// A task's default encoder.
protocol EncoderDefaults {
    static var cell: CellKind { get }
    static var hidden: Int { get }
}
