import FileIO
import Foundation
import FuzzSupport
import Pipeline
import Tensor
import Tokenize

/// The fuzzed function for model files: any bytes, as a model file, either load as the model of
/// the task the file names (translator, tagger, classifier or language model), which then translates,
/// tags, classifies or continues a short sentence (the loader assigns the file's tensors, refusing any whose shape is
/// not the configured one), or throw one of the errors that name the file (`ModelFileError`, `DataError`, `SafeTensorsError`,
/// `FileError`, `TokenizeError`); never another error, a crash, a hang or an allocation beyond the
/// fuzzer's memory limit.
/// (Exported as `LLVMFuzzerTestOneInput`, which the fuzzer runtime links against.)
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelFile(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = FuzzInput(bytes, count)
    FuzzInput.withFile(input.bytes, name: "model.safetensors") { path in
        do {
            let file = try ModelFile.read(from: path, expecting: nil)
            switch file.task {
            case .translate:
                let model = try TranslationModel(contentsOf: path)
                var options = TranslationSearchOptions()
                options.beam = 2
                precondition(model.translate(["A man is riding a bike."], options: options).count == 1, "one translation a sentence")
            case .tagger:
                let model = try TaggerModel(contentsOf: path)
                precondition(model.tag(["John Smith lives in Paris."]).count == 1, "one tagging a text")
            case .sentiment:
                let model = try TextClassifier(contentsOf: path)
                precondition(model.classify(["A gorgeous, witty film."]).count == 1, "one classification a text")
            case .languageModel:
                let model = try LanguageModel(contentsOf: path)
                precondition(model.complete("We decided to go", top: 3).count <= 3, "at most three next words")
                var sampler = TokenSampler(temperature: 0.8, topK: 5, topP: 0.9, seed: 1)
                precondition(model.generate(after: "The", maximumTokens: 3, sampler: &sampler).count <= 3, "at most three words")
                _ = model.perplexity(of: ["A short sentence."])
            }
        } catch is ModelFileError {
        } catch is DataError {
        } catch is SafeTensorsError {
        } catch is FileError {
        } catch is TokenizeError {
        } catch {
            fatalError("loading a model threw \(type(of: error)): \(error)")
        }
    }
    return 0
}

/// The executable's entry: libFuzzer on `fuzzModelFile`.
@_cdecl("FuzzModelFile_main")
func fuzzModelFileMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzzModelFile)
}
