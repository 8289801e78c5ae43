import Foundation
import NLPTestSupport
import Seq2Seq
import Tensor
import XCTest

/// The attention translator: whole-model gradient checks (every attention score, GRU and LSTM,
/// stacked bidirectional encoder, padding on both sides, a 2-step decoder), incremental decoding
/// equal to teacher-forced decoding, and configuration checks.
final class TranslatorTests: XCTestCase {
    let (sourceVocabulary, targetVocabulary) = (7, 8)

    func configuration(
        _ cell: CellKind, _ attention: AttentionScore, layers: Int = 2, dropout: Double = 0, tied: Bool = false
    ) -> TranslatorConfiguration {
        // dot attention needs Hd = 2·He
        TranslatorConfiguration(
            sourceVocabularySize: sourceVocabulary, targetVocabularySize: targetVocabulary, embeddingDimension: 3,
            encoder: EncoderConfiguration(cell: cell, inputSize: 3, hiddenSize: 2, layers: layers, bidirectional: true),
            decoderHiddenSize: attention == .dot ? 4 : 3, attention: attention, attentionSize: 3, dropout: dropout,
            tieEmbeddings: tied)
    }

    func sentences(_ lengths: [Int], vocabulary: Int, generator: inout SeededGenerator) -> [[Int]] {
        lengths.map { n in (0..<n).map { _ in 4 + Int(generator.next() % UInt64(vocabulary - 4)) } }
    }

    func checkGradients(_ cell: CellKind, _ attention: AttentionScore, sources: [Int], targets: [Int],
                        labelSmoothing: Double = 0, tied: Bool = false, file: StaticString = #filePath, line: UInt = #line) {
        var generator = SeededGenerator(seed: 11)
        let model = Translator<Double>(configuration: configuration(cell, attention, tied: tied), generator: &generator)
        // Larger weights than the initialisation's, so no gradient is tiny.
        for parameter in model.parameters { for i in 0..<parameter.value.count { parameter.value.storage[i] *= 2 } }
        for parameter in model.parameters where parameter.name.hasSuffix("embedding.weight") {
            for j in 0..<parameter.value.cols { parameter.value[0, j] = 0 }
        }
        let source = self.sentences(sources, vocabulary: sourceVocabulary, generator: &generator)
        let target = self.sentences(targets, vocabulary: targetVocabulary, generator: &generator)
        model.zeroGradients()
        let (lossSum, count) = model.loss(sources: source, targets: target, labelSmoothing: labelSmoothing,
                                          training: true, computeGradients: true)
        XCTAssertEqual(count, targets.reduce(0, +) + targets.count, file: file, line: line)
        XCTAssert(lossSum.isFinite && lossSum > 0, file: file, line: line)
        let errors = GradientCheck(samplesPerParameter: 16).worstErrors(of: model.parameters, generator: &generator) {
            let (sum, count) = model.loss(sources: source, targets: target, labelSmoothing: labelSmoothing,
                                          training: true, computeGradients: false)
            return sum / Double(count)
        }
        XCTAssertEqual(errors.count, model.parameters.count, file: file, line: line)
        for (name, error) in errors.sorted(by: { $0.key < $1.key }) {
            XCTAssertLessThan(error, 1e-6, "\(cell) \(attention): \(name)", file: file, line: line)
        }
    }

    func testGradientsAdditiveGRU() { checkGradients(.gru, .additive, sources: [4, 1, 3], targets: [2, 3, 1]) }
    func testGradientsDotLSTM() { checkGradients(.lstm, .dot, sources: [2, 4, 3], targets: [3, 1, 2]) }
    func testGradientsGeneralGRUWithLabelSmoothing() {
        checkGradients(.gru, .general, sources: [3, 2], targets: [2, 2], labelSmoothing: 0.1)
    }
    /// Tied embeddings: the target table gets the gradients of the decoder's input and of the output layer.
    func testGradientsTiedEmbeddings() {
        checkGradients(.gru, .additive, sources: [3, 1, 2], targets: [2, 3, 1], tied: true)
        var generator = SeededGenerator(seed: 1)
        let model = Translator<Double>(configuration: configuration(.gru, .additive, tied: true), generator: &generator)
        XCTAssertTrue(model.decoder.output.weight === model.decoder.embedding.parameters[0], "one shared table")
        XCTAssertEqual(model.parameters.filter { $0 === model.decoder.output.weight }.count, 1, "listed once")
        XCTAssertNotNil(model.parameter(named: "decoder.projection.weight"))
    }

    /// One target word: the decoder runs two steps (the word, then `</s>`).
    func testGradientsTwoStepDecoder() { checkGradients(.lstm, .additive, sources: [2], targets: [1]) }

    /// Stepping the decoder one word at a time gives the teacher-forced logits of every step.
    func testIncrementalDecodingEqualsTeacherForcing() {
        for (attention, tied) in AttentionScore.allCases.map({ ($0, false) }) + [(.additive, true)] {
            var generator = SeededGenerator(seed: 5)
            let model = Translator<Double>(configuration: configuration(.gru, attention, tied: tied), generator: &generator)
            let source = sentences([3, 1, 4], vocabulary: sourceVocabulary, generator: &generator)
            let target = sentences([2, 4, 1], vocabulary: targetVocabulary, generator: &generator)
            let (memory, initialState, _) = model.encode(source, training: false)
            let (inputs, _) = Translator<Double>.teacherForcing(target)
            let (logits, _) = model.decoder.forward(inputs: inputs, initialState: initialState, memory: memory,
                                                    training: false)
            let B = source.count, T = inputs.count / B
            var states = initialState
            for t in 0..<T {
                let step = model.decoder.step(words: Array(inputs[(t * B)..<((t + 1) * B)]), states: states, memory: memory)
                states = step.states
                for i in 0..<step.logits.count {
                    XCTAssertEqual(step.logits.storage[i], logits.storage[t * B * targetVocabulary + i], accuracy: 1e-12)
                }
                for b in 0..<B {   // weights sum to 1 over the real positions, 0 on padding
                    let row = (0..<memory.steps).map { step.weights[b, $0] }
                    XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-12)
                    XCTAssert(row[source[b].count...].allSatisfy { $0 == 0 })
                }
            }
        }
    }

    /// In Float, `step` runs on packed copies of the weights kept across calls: its logits equal the
    /// teacher-forced ones, and after any weight changes (an optimizer step) they follow the new weights.
    func testFloatStepsFollowWeightChanges() {
        var generator = SeededGenerator(seed: 6)
        let model = Translator<Float>(configuration: configuration(.gru, .additive), generator: &generator)
        let source = sentences([3, 1, 4], vocabulary: sourceVocabulary, generator: &generator)
        let target = sentences([2, 4, 1], vocabulary: targetVocabulary, generator: &generator)
        let (inputs, outputs) = Translator<Float>.teacherForcing(target)
        let B = source.count, T = inputs.count / B
        func checkSteps(_ label: String) {
            let (memory, initialState, _) = model.encode(source, training: false)
            let (logits, _) = model.decoder.forward(inputs: inputs, initialState: initialState, memory: memory, training: false)
            var states = initialState
            for t in 0..<T {
                let step = model.decoder.step(words: Array(inputs[(t * B)..<((t + 1) * B)]), states: states, memory: memory)
                states = step.states
                for i in 0..<step.logits.count {
                    XCTAssertEqual(step.logits.storage[i], logits.storage[t * B * targetVocabulary + i], accuracy: 1e-5, label)
                }
            }
        }
        checkSteps("initial weights")
        checkSteps("packed weights reused")
        var optimizer = Adam<Float>(learningRate: 0.1)
        for round in 0..<2 {
            model.zeroGradients()
            _ = model.loss(sources: source, targets: target, training: true, computeGradients: true)
            optimizer.step(model.parameters)
            checkSteps("after optimizer step \(round)")
        }
        XCTAssertEqual(outputs.count, inputs.count)
    }

    func testConfigurationProblems() {
        var bad = configuration(.gru, .dot)
        bad.decoderHiddenSize = 5
        XCTAssertNotNil(bad.problem)
        XCTAssertNil(configuration(.gru, .dot).problem)
        let data = try! JSONEncoder().encode(bad)
        XCTAssertThrowsError(try JSONDecoder().decode(TranslatorConfiguration.self, from: data))
        XCTAssertEqual(try JSONDecoder().decode(TranslatorConfiguration.self,
                                                from: JSONEncoder().encode(configuration(.lstm, .general))),
                       configuration(.lstm, .general))
    }
}
