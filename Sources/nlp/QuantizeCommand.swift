import ArgumentParser
import Foundation
import Pipeline

/// `nlp quantize`: a model's weight matrices stored in int8.
struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Store a trained model's weight matrices in int8, one scale per row (about 4x smaller than f32).",
        discussion: """
            Every weight matrix and embedding table W becomes int8 levels round(W / w) with one \\
            float32 scale w = max |row| / 127 per row (the tensors W and W.int8_scale); biases and \\
            CRF transitions keep their type. The file is read by every command like any model \\
            file, its weights read back as float32 levels × scale: at --precision f32 it runs on \\
            those weights; at --precision int8 the products quantise them again per row of each \\
            block they use (nearly, not always exactly, the same levels). Written through a \\
            temporary file.

            Example:
              $ nlp quantize models/translate-en-de.safetensors -o translate-en-de.int8.safetensors
              $ nlp translate --model translate-en-de.int8.safetensors --precision int8 "Hello."
            """)

    @Argument(help: ArgumentHelp("The model file to quantise.", valueName: "model"))
    var model: String

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Where to write the int8 model.", valueName: "model"))
    var output: String

    func validate() throws {
        if output == model { throw ValidationError("the output must not be the model quantised (-o names a new file)") }
    }

    func run() throws {
        try OutputFile.checkWritable(output, what: "the int8 model")
        let original = try ModelFile.read(from: model, expecting: nil)
        let quantized = original.quantizedToInt8()
        try quantized.write(to: output)
        let size = { (path: String) in ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0 }
        let matrices = quantized.tensors.filter { $0.dtype == .i8 }.count
        print(String(format: "%@: %d weight matrices in int8, %.1f MB (was %.1f MB)", output, matrices,
                     Double(size(output)) / 1e6, Double(size(model)) / 1e6))
    }
}
