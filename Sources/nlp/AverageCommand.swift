import ArgumentParser
import Pipeline

/// `nlp average`: checkpoint averaging.
struct AverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "average",
        abstract: "Average the parameters of models from one training run (checkpoint averaging).",
        discussion: """
            Every tensor of the output is the element-wise mean of that tensor in the MODELs, which \\
            must be of one task and one configuration (the same vocabularies and shapes), as the \\
            epochs of one run are: nlp train translate --save-every-epoch writes them as \\
            MODEL.epochN.safetensors. Averaging the last few epochs usually scores a little better \\
            than the last one alone. The output is written through a temporary file.

            Example:
              $ nlp average run.epoch8.safetensors run.epoch9.safetensors run.epoch10.safetensors -o averaged.safetensors
            """)

    @Argument(help: ArgumentHelp("Model files to average (at least two).", valueName: "model"))
    var models: [String]

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Where to write the averaged model.", valueName: "model"))
    var output: String

    func validate() throws {
        if models.count < 2 { throw ValidationError("give at least two models to average") }
        if models.contains(output) { throw ValidationError("the output must not be one of the models averaged") }
    }

    func run() throws {
        try OutputFile.checkWritable(output, what: "the averaged model")
        let files = try models.map { (path: $0, model: try ModelFile.read(from: $0, expecting: nil)) }
        try ModelFile.average(files).write(to: output)
        print("\(output): the mean of \(models.count) \(files[0].model.task.rawValue) models")
    }
}
