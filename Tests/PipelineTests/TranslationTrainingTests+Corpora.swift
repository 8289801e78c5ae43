import Foundation
import Pipeline
import Tensor
import NLPTestSupport
import XCTest

/// Several weighted corpora in one run, per-epoch model files, and averaging them.
extension TranslationTrainingTests {
    func testWeightedCorporaTrainResumeToTheSameFileAndAreRecorded() throws {
        let folder = try TemporaryFolder()
        let (source, target, _) = try subset(16, in: folder)
        let extraSource = try folder.write("extra.en", "A red ball.\nThe sun is hot.\nA dog.\n")
        let extraTarget = try folder.write("extra.de", "Ein roter Ball.\nDie Sonne ist heiß.\nEin Hund.\n")
        func weighted(_ output: String) -> TranslationTraining {
            var run = settings(source: source, target: target, output: output, epochs: 3)
            run.train = [.init(.aligned(source: source, target: target), weight: 0.5),
                         .init(.aligned(source: extraSource, target: extraTarget), weight: 2)]
            run.dropout = 0.2
            return run
        }
        let straight = folder.path("straight.safetensors"), interrupted = folder.path("interrupted.safetensors")
        try weighted(straight).train(progress: TrainingProgress(style: .quiet))
        var resumable = weighted(interrupted)
        resumable.run.checkpointEveryBatches = 2
        XCTAssertThrowsError(try resumable.train(progress: TrainingProgress(style: .quiet), stopAfterBatches: 5)) {
            XCTAssertTrue($0 is TrainingInterruption, "\($0)")
        }
        try resumable.train(resume: true, progress: TrainingProgress(style: .quiet))
        XCTAssertEqual(try folder.bytes("straight.safetensors"), try folder.bytes("interrupted.safetensors"),
                       "the weighted draw of each epoch is rebuilt on resume")
        let provenance = try XCTUnwrap(TranslationModel(contentsOf: straight).provenance)
        guard case .array(let corpora) = provenance.settings["train"] else { return XCTFail("no corpora in \(provenance.settings)") }
        XCTAssertEqual(corpora.map { $0["weight"]?.double }, [0.5, 2.0])
        XCTAssertEqual(provenance.data.map(\.role), ["train1-source", "train1-target", "train2-source", "train2-target",
                                                     "dev-source", "dev-target"])
        // Other weights draw other epochs, so another model.
        var other = weighted(folder.path("other.safetensors"))
        other.train[0].weight = 1
        try other.train(progress: TrainingProgress(style: .quiet))
        XCTAssertNotEqual(try folder.bytes("other.safetensors"), try folder.bytes("straight.safetensors"))
    }

    func testAveragedModelIsTheElementwiseMeanAndIncompatibleModelsAreRefused() throws {
        let folder = try TemporaryFolder()
        let (source, target, pairs) = try subset(8, in: folder)
        var run = settings(source: source, target: target, output: folder.path("m.safetensors"), epochs: 2)
        run.saveEveryEpoch = true
        try run.train(progress: TrainingProgress(style: .quiet))
        let paths = [folder.path("m.epoch1.safetensors"), folder.path("m.epoch2.safetensors")]
        let files = try paths.map { (path: $0, model: try ModelFile.read(from: $0, expecting: .translate)) }
        XCTAssertNotEqual(files[0].model.tensors, files[1].model.tensors, "two epochs, two sets of parameters")
        let averaged = try ModelFile.average(files)
        for (index, tensor) in averaged.tensors.enumerated() {
            let a = files[0].model.tensors[index].values.storage, b = files[1].model.tensors[index].values.storage
            XCTAssertEqual(tensor.values.storage, zip(a, b).map { Float((Double($0) + Double($1)) / 2) }, tensor.name)
        }
        let output = folder.path("avg.safetensors")
        try averaged.write(to: output)
        let model = try TranslationModel(contentsOf: output)
        XCTAssertEqual(model.provenance?.averagedFrom?.map(\.path), paths)
        XCTAssertNil(model.provenance?.dev)
        XCTAssertEqual(model.translate(pairs.map(\.source)).count, pairs.count, "the averaged model loads and translates")

        // Another configuration (another embedding width): refused, naming the file.
        var otherRun = settings(source: source, target: target, output: folder.path("other.safetensors"), epochs: 1)
        otherRun.embeddingDimension = 16
        try otherRun.train(progress: TrainingProgress(style: .quiet))
        let other = (path: folder.path("other.safetensors"),
                     model: try ModelFile.read(from: folder.path("other.safetensors"), expecting: nil))
        XCTAssertThrowsError(try ModelFile.average([files[0], other])) {
            XCTAssertTrue("\($0)".hasPrefix(other.path + ": has another configuration"), "\($0)")
        }
        // Another task: refused.
        let sentimentPath = Self.corpora.deletingLastPathComponent().appendingPathComponent("models/sentiment-en.safetensors").path
        let sentiment = (path: sentimentPath, model: try ModelFile.read(from: sentimentPath, expecting: nil))
        XCTAssertThrowsError(try ModelFile.average([files[0], sentiment])) {
            XCTAssertTrue("\($0)".contains("is a sentiment model but"), "\($0)")
        }
    }
}
