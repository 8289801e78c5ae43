import ArgumentParser
import Tensor

/// The files of an `nlp train` run, shared by every task: data, output, pretrained vectors.
struct TrainingFileArguments: ParsableArguments {
    @Option(help: ArgumentHelp("Training file.", valueName: "file"))
    var train: String

    @Option(help: ArgumentHelp("Dev file for early stopping and model selection (default: hold out --dev-fraction of --train).", valueName: "file"))
    var dev: String?

    @Option(help: "Share of the training examples held out as dev when no --dev is given.")
    var devFraction = 0.1

    @Option(name: [.short, .long], help: ArgumentHelp("The model file to write.", valueName: "model"))
    var output: String

    @Option(help: ArgumentHelp("Pretrained word vectors (word2vec/GloVe text, .gz allowed) to start the word embedding from.", valueName: "file"))
    var vectors: String?

    @Option(help: ArgumentHelp("With --vectors: also give the N most frequent words of the vectors file an entry, so words unseen in training keep their vectors.", valueName: "N"))
    var vectorsVocab = 0

    @Option(help: "Numbers in the model file: f32, or f16 for half the size.")
    var saveDtype = SaveDType.f32

    enum SaveDType: String, ExpressibleByArgument, CaseIterable { case f32, f16 }

    var dtype: SafeTensors.DType { saveDtype == .f16 ? .f16 : .f32 }

}
