import Seq2Seq

extension EncoderConfiguration {
    /// The first of the encoder's training settings out of its range, phrased with its option's
    /// name (`--layers`, `--hidden`, `--layer-dropout`), or nil. The input width comes from the
    /// embedding, whose own option is checked by the task.
    var optionProblem: String? {
        if layers < 1 { return "--layers must be at least 1" }
        if hiddenSize < 1 { return "--hidden must be at least 1" }
        if !(dropout >= 0 && dropout < 1) { return "--layer-dropout must be in [0, 1)" }
        return nil
    }
}
