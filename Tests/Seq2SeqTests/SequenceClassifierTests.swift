import Foundation
import NLPTestSupport
import Seq2Seq
import Tensor
import XCTest

/// The many-to-one classifier: whole-model gradient checks for every pooling, cell and direction
/// layout; padding, one-hot input and dropout replay.
final class SequenceClassifierTests: XCTestCase {
    let threshold = 1e-6
    let lengths = [4, 1, 3, 2]        // B = 4, T = 4, one row of length 1
    let (vocabulary, dimension, hidden, classes) = (7, 3, 3, 3)

    /// The direction layouts checked: one direction, two concatenated, two summed.
    let layouts: [(bidirectional: Bool, merge: DirectionMerge)] = [(false, .concat), (true, .concat), (true, .sum)]

    func configuration(
        _ cell: CellKind, bidirectional: Bool, merge: DirectionMerge, pooling: Pooling,
        dropout: Double = 0, encoderDropout: Double = 0, wordDropout: Double = 0, adversarialEpsilon: Double = 0,
        oneHot: Bool = false
    ) -> SequenceClassifier<Double>.Configuration {
        let D = oneHot ? vocabulary : dimension
        return .init(
            vocabularySize: vocabulary, embeddingDimension: D, oneHot: oneHot,
            encoder: EncoderConfiguration(cell: cell, inputSize: D, hiddenSize: hidden, layers: 2,
                                          bidirectional: bidirectional, merge: merge, dropout: encoderDropout),
            pooling: pooling, classes: classes, dropout: dropout, wordDropout: wordDropout,
            adversarialEpsilon: adversarialEpsilon)
    }

    /// Time-major ids (T·B) with real tokens 1..<V on real steps and `padding` on the others, and a
    /// target class per row.
    func batch(lengths: [Int], padding: (inout SeededGenerator) -> Int = { _ in 0 },
               generator: inout SeededGenerator) -> (ids: [Int], targets: [Int]) {
        let B = lengths.count, T = lengths.max()!
        var ids = [Int](repeating: 0, count: T * B)
        for t in 0..<T { for b in 0..<B {
            ids[t * B + b] = t < lengths[b] ? 1 + Int(generator.next() % UInt64(vocabulary - 1)) : padding(&generator)
        } }
        return (ids, (0..<B).map { _ in Int(generator.next() % UInt64(classes)) })
    }

    // MARK: gradients

    func testGradientsForEveryPoolingCellAndLayout() {
        for pooling in Pooling.allCases {
            for cell in CellKind.allCases {
                for layout in layouts {
                    let name = "\(pooling) \(cell.rawValue) \(layout.bidirectional ? "bi-\(layout.merge)" : "uni")"
                    var generator = SeededGenerator(seed: 101)
                    let model = SequenceClassifier<Double>(
                        configuration: configuration(cell, bidirectional: layout.bidirectional, merge: layout.merge,
                                                     pooling: pooling),
                        generator: &generator)
                    checkGradients(model, name: name, generator: &generator)
                }
            }
        }
    }

    /// Dropout on (tokens, pooled vector, between layers): with the generators set back before each
    /// pass the masks are constants, so the gradient through them can be checked too.
    func testGradientsThroughReplayedDropoutMasks() {
        for (cell, pooling) in [(CellKind.lstm, Pooling.mean), (.gru, .last), (.rnnTanh, .max)] {
            var generator = SeededGenerator(seed: 202)
            let model = SequenceClassifier<Double>(
                configuration: configuration(cell, bidirectional: true, merge: .concat, pooling: pooling,
                                             dropout: 0.3, encoderDropout: 0.4, wordDropout: 0.3),
                generator: &generator)
            checkGradients(model, name: "dropout \(cell.rawValue) \(pooling)", training: true, generator: &generator)
        }
    }

    func checkGradients(
        _ model: SequenceClassifier<Double>, name: String, training: Bool = false,
        generator: inout SeededGenerator
    ) {
        let (ids, targets) = batch(lengths: lengths, generator: &generator)
        let criterion = SoftmaxCrossEntropy()
        let states = model.generatorStates
        func logits() -> Matrix<Double> {
            model.generatorStates = states   // the same masks in every pass
            return model.forward(ids: ids, lengths: lengths, training: training).logits
        }
        if training {
            XCTAssertNotEqual(logits(), model.forward(ids: ids, lengths: lengths, training: false).logits,
                              "\(name): dropout is active")
        }
        model.zeroGradients()
        model.generatorStates = states
        let (forwardLogits, cache) = model.forward(ids: ids, lengths: lengths, training: training)
        model.backward(logitsGradient: criterion(logits: forwardLogits, targets: targets).logitsGradient, cache: cache)

        XCTAssertEqual(model.embedding.table.gradient.rows(0..<1).squaredNorm, 0, "\(name): <pad> row gradient")
        for parameter in model.parameters {
            XCTAssertGreaterThan(parameter.gradient.squaredNorm, 0, "\(name): no gradient reaches \(parameter.name)")
        }
        let errors = GradientCheck().worstErrors(of: model.parameters, generator: &generator) {
            criterion(logits: logits(), targets: targets).loss
        }
        XCTAssertEqual(errors.count, model.parameters.count, name)
        for (parameter, error) in errors.sorted(by: { $0.key < $1.key }) {
            XCTAssertLessThan(error, threshold, "\(name): \(parameter)")
        }
    }

    // MARK: adversarial training

    /// backward returns ∂L/∂x: it matches central differences of the loss with respect to the entries
    /// of a perturbation added to the token vectors (zero on padded steps), dropout masks replayed.
    func testInputGradientMatchesCentralDifferencesOfThePerturbation() {
        for (cell, pooling) in [(CellKind.lstm, Pooling.mean), (.gru, .last), (.rnnTanh, .max)] {
            var generator = SeededGenerator(seed: 909)
            let model = SequenceClassifier<Double>(
                configuration: configuration(cell, bidirectional: true, merge: .concat, pooling: pooling,
                                             dropout: 0.3, encoderDropout: 0.3, wordDropout: 0.3),
                generator: &generator)
            let (ids, targets) = batch(lengths: lengths, generator: &generator)
            let states = model.generatorStates
            let r = Parameter(name: "perturbation", value: Matrix<Double>.normal(
                rows: ids.count, cols: dimension, standardDeviation: 0.1, using: &generator))
            func loss() -> Double {
                model.generatorStates = states
                let logits = model.forward(ids: ids, lengths: lengths, training: true, perturbation: r.value).logits
                return SoftmaxCrossEntropy()(logits: logits, targets: targets).loss
            }
            model.generatorStates = states
            let (logits, cache) = model.forward(ids: ids, lengths: lengths, training: true, perturbation: r.value)
            let g = model.backward(logitsGradient: SoftmaxCrossEntropy()(logits: logits, targets: targets).logitsGradient,
                                   cache: cache)
            XCTAssertEqual(g.rows, ids.count)
            XCTAssertGreaterThan(g.squaredNorm, 0)
            let B = lengths.count
            for n in 0..<ids.count where n / B >= lengths[n % B] {
                XCTAssertEqual(g.rows(n..<(n + 1)).squaredNorm, 0, "padded step \(n)")
            }
            r.gradient = g
            let worst = GradientCheck(samplesPerParameter: 64).worstErrors(of: [r], generator: &generator, loss: loss)[r.name]!
            XCTAssertLessThan(worst, threshold, "\(cell.rawValue) \(pooling)")
        }
    }

    /// With adversarial training the pass adds the gradient of L(x₁) + L(x₂ + r): two training
    /// passes over the batch in turn (each drawing its own dropouts), the second with its token
    /// vectors moved by r = ε ∂L/∂x₁ / ‖∂L/∂x₁‖ per sequence, held constant. Checked by central
    /// differences of that sum with every mask replayed; and r is what `AdversarialPerturbation`
    /// makes of the first pass's ∂L/∂x.
    func testAdversarialPassAddsTheGradientOfBothLosses() {
        var generator = SeededGenerator(seed: 1_001)
        let model = SequenceClassifier<Double>(
            configuration: configuration(.lstm, bidirectional: true, merge: .concat, pooling: .mean,
                                         dropout: 0.3, encoderDropout: 0.3, wordDropout: 0.3, adversarialEpsilon: 0.5),
            generator: &generator)
        let (ids, targets) = batch(lengths: lengths, generator: &generator)
        let criterion = SoftmaxCrossEntropy()
        let states = model.generatorStates
        let (cleanLogits, cleanCache) = model.forward(ids: ids, lengths: lengths, training: true)
        let inputGradient = model.backward(logitsGradient: criterion(logits: cleanLogits, targets: targets).logitsGradient,
                                           cache: cleanCache)
        model.zeroGradients()

        model.generatorStates = states
        let pass = model.trainingPass(ids: ids, lengths: lengths) { criterion(logits: $0, targets: targets) }
        let r = try! XCTUnwrap(pass.perturbation)
        XCTAssertEqual(r, AdversarialPerturbation(epsilon: 0.5)(inputGradient: inputGradient, lengths: lengths))
        XCTAssertEqual(pass.loss, criterion(logits: cleanLogits, targets: targets).loss, "the clean loss is returned")
        let errors = GradientCheck().worstErrors(of: model.parameters, generator: &generator) {
            model.generatorStates = states
            let clean = model.forward(ids: ids, lengths: lengths, training: true).logits
            let perturbed = model.forward(ids: ids, lengths: lengths, training: true, perturbation: r).logits
            return criterion(logits: clean, targets: targets).loss + criterion(logits: perturbed, targets: targets).loss
        }
        XCTAssertEqual(errors.count, model.parameters.count)
        for (parameter, error) in errors.sorted(by: { $0.key < $1.key }) {
            XCTAssertLessThan(error, threshold, parameter)
        }

        // A second loss that is not finite is the one returned, so the trainer stops at this batch.
        var calls = 0
        let diverging = model.trainingPass(ids: ids, lengths: lengths) { logits in
            calls += 1
            let (loss, gradient) = criterion(logits: logits, targets: targets)
            return (calls == 2 ? .nan : loss, gradient)
        }
        XCTAssertEqual(calls, 2)
        XCTAssertTrue(diverging.loss.isNaN)

        // Without it, one pass and no perturbation.
        let plain = SequenceClassifier<Double>(
            configuration: configuration(.lstm, bidirectional: true, merge: .concat, pooling: .mean), generator: &generator)
        XCTAssertNil(plain.trainingPass(ids: ids, lengths: lengths) { criterion(logits: $0, targets: targets) }.perturbation)
    }

    // MARK: pooling

    /// The logits are W p + b with p computed here from the encoder's outputs (or, for `last` with
    /// summed directions, its final states) by each pooling's definition.
    func testPoolingMatchesItsDefinition() {
        let lengths = [2, 5, 1, 3]
        let B = lengths.count
        for pooling in Pooling.allCases {
            for layout in layouts {
                let name = "\(pooling) bidirectional \(layout.bidirectional) \(layout.merge)"
                var generator = SeededGenerator(seed: 808)
                let model = SequenceClassifier<Double>(
                    configuration: configuration(.lstm, bidirectional: layout.bidirectional, merge: layout.merge,
                                                 pooling: pooling),
                    generator: &generator)
                let (ids, _) = batch(lengths: lengths, generator: &generator)
                let (y, finals, _) = model.encoder.forward(model.embedding.forward(ids), lengths: lengths, training: false)
                let W = y.cols
                var p = Matrix<Double>(rows: B, cols: pooling.width(encoderOutput: W))
                for b in 0..<B {
                    let steps = (0..<lengths[b]).map { t in (0..<W).map { y[t * B + b, $0] } }
                    for j in 0..<W {
                        switch pooling {
                        case .max: p[b, j] = steps.map { $0[j] }.max()!
                        case .mean: p[b, j] = steps.map { $0[j] }.reduce(0, +) / Double(lengths[b])
                        case .maxMean:
                            p[b, j] = steps.map { $0[j] }.max()!
                            p[b, W + j] = steps.map { $0[j] }.reduce(0, +) / Double(lengths[b])
                        case .last:
                            if layout.bidirectional && layout.merge == .sum {   // h_n[-2] + h_n[-1]
                                p[b, j] = finals[finals.count - 2][b, j] + finals[finals.count - 1][b, j]
                            } else {   // forward half: last real step; reverse half: step 0
                                p[b, j] = j < hidden ? steps[lengths[b] - 1][j] : steps[0][j]
                            }
                        }
                    }
                }
                let expected = model.output.forward(p)
                let logits = model.forward(ids: ids, lengths: lengths, training: false).logits
                for b in 0..<B { for c in 0..<classes {
                    XCTAssertEqual(logits[b, c], expected[b, c], accuracy: 1e-12, "\(name): (\(b), \(c))")
                } }
            }
        }
    }

    // MARK: padding

    /// A sequence's logits are the same alone as inside a padded batch of longer sequences, whatever
    /// the padded steps hold.
    func testPaddingDoesNotChangeLogits() {
        let lengths = [2, 5, 1, 3]
        for pooling in Pooling.allCases {
            for (cell, layout) in [(CellKind.lstm, layouts[1]), (.gru, layouts[2]), (.rnnRelu, layouts[0])] {
                let name = "\(pooling) \(cell.rawValue) bidirectional \(layout.bidirectional)"
                var generator = SeededGenerator(seed: 303)
                let configuration = configuration(cell, bidirectional: layout.bidirectional, merge: layout.merge,
                                                  pooling: pooling)
                let model = SequenceClassifier<Double>(configuration: configuration, generator: &generator)
                let (ids, _) = batch(lengths: lengths, padding: { 1 + Int($0.next() % 6) }, generator: &generator)
                let together = model.forward(ids: ids, lengths: lengths, training: false).logits
                let B = lengths.count
                for b in 0..<B {
                    let own = (0..<lengths[b]).map { ids[$0 * B + b] }
                    let alone = model.forward(ids: own, lengths: [lengths[b]], training: false).logits
                    XCTAssertEqual(alone, together.rows(b..<(b + 1)), "\(name): row \(b) (Double, exact)")
                }

                // Float: oneDNN products and the SIMD kernels; equal up to rounding.
                var floatGenerator = SeededGenerator(seed: 303)
                let floatModel = SequenceClassifier<Float>(configuration: configuration, generator: &floatGenerator)
                let floatTogether = floatModel.forward(ids: ids, lengths: lengths, training: false).logits
                for b in 0..<B {
                    let own = (0..<lengths[b]).map { ids[$0 * B + b] }
                    let alone = floatModel.forward(ids: own, lengths: [lengths[b]], training: false).logits
                    for c in 0..<classes {
                        XCTAssertEqual(alone[0, c], floatTogether[b, c], accuracy: 1e-5, "\(name): Float row \(b)")
                    }
                }
            }
        }
    }

    /// In training with word dropout and dropout, what a padded step holds changes nothing: the same
    /// generator states draw the same masks whether padding is `<pad>` or other ids.
    func testPaddingIsIgnoredInTrainingWithWordDropout() {
        let lengths = [2, 5, 1, 3]
        var generator = SeededGenerator(seed: 313)
        let model = SequenceClassifier<Double>(
            configuration: configuration(.lstm, bidirectional: true, merge: .concat, pooling: .mean,
                                         dropout: 0.3, encoderDropout: 0.3, wordDropout: 0.3),
            generator: &generator)
        let (ids, _) = batch(lengths: lengths, generator: &generator)
        var junk = ids
        let B = lengths.count
        for t in 0..<5 { for b in 0..<B where t >= lengths[b] { junk[t * B + b] = [1, 6, 3][(t + b) % 3] } }
        XCTAssertNotEqual(junk, ids)
        let states = model.generatorStates
        let padded = model.forward(ids: ids, lengths: lengths, training: true).logits
        model.generatorStates = states
        XCTAssertEqual(model.forward(ids: junk, lengths: lengths, training: true).logits, padded)
    }

    // MARK: one-hot input

    func testOneHotHasNoStoredTableAndEqualsAnIdentityEmbedding() {
        for pooling in Pooling.allCases {
            var generator = SeededGenerator(seed: 404)
            let oneHot = SequenceClassifier<Double>(
                configuration: configuration(.lstm, bidirectional: true, merge: .concat, pooling: pooling, oneHot: true),
                generator: &generator)
            XCTAssertNil(oneHot.parameter(named: "embedding.weight"), "one-hot table is not a parameter")
            XCTAssertFalse(oneHot.parameters.contains { $0.name.hasPrefix("embedding") })
            XCTAssertEqual(oneHot.parameters.count, 16 + 2)

            var learnedConfiguration = oneHot.configuration
            learnedConfiguration.oneHot = false
            let learned = SequenceClassifier<Double>(configuration: learnedConfiguration, generator: &generator)
            XCTAssertEqual(learned.parameters.count, oneHot.parameters.count + 1)
            for parameter in oneHot.parameters {
                learned.parameter(named: parameter.name)!.value = parameter.value
            }
            for v in 0..<vocabulary { for j in 0..<vocabulary { learned.embedding.table.value[v, j] = v == j ? 1 : 0 } }

            let (ids, targets) = batch(lengths: lengths, generator: &generator)
            let (oneHotLogits, oneHotCache) = oneHot.forward(ids: ids, lengths: lengths, training: false)
            let (learnedLogits, learnedCache) = learned.forward(ids: ids, lengths: lengths, training: false)
            XCTAssertEqual(oneHotLogits, learnedLogits, "\(pooling)")

            // Backward too: the same gradients, and nothing written into the constant table.
            let gradient = SoftmaxCrossEntropy()(logits: oneHotLogits, targets: targets).logitsGradient
            oneHot.zeroGradients()
            learned.zeroGradients()
            oneHot.backward(logitsGradient: gradient, cache: oneHotCache)
            learned.backward(logitsGradient: gradient, cache: learnedCache)
            for parameter in oneHot.parameters {
                XCTAssertEqual(parameter.gradient, learned.parameter(named: parameter.name)!.gradient, parameter.name)
            }
            XCTAssertEqual(oneHot.embedding.table.gradient.squaredNorm, 0)
            XCTAssertGreaterThan(learned.embedding.table.gradient.squaredNorm, 0)
        }
    }

    // MARK: dropout

    func testDropoutReplaysFromGeneratorStatesAndIsOffInInference() {
        let lengths = [3, 5, 2]
        var generator = SeededGenerator(seed: 505)
        let configuration = configuration(.lstm, bidirectional: true, merge: .concat, pooling: .mean,
                                          dropout: 0.5, encoderDropout: 0.5, wordDropout: 0.5)
        let model = SequenceClassifier<Double>(configuration: configuration, generator: &generator)
        let (ids, _) = batch(lengths: lengths, generator: &generator)
        func run(_ training: Bool) -> Matrix<Double> { model.forward(ids: ids, lengths: lengths, training: training).logits }

        let saved = model.generatorStates
        XCTAssertEqual(saved.count, 2)
        let first = run(true)
        let second = run(true)
        XCTAssertNotEqual(first, second, "the generators advance: new masks each pass")
        model.generatorStates = saved
        XCTAssertEqual(run(true), first, "restored states replay the masks")
        // The encoder's generator is part of the state: restoring only the model's own is not enough.
        model.generatorStates = [saved[0], model.generatorStates[1]]
        XCTAssertNotEqual(run(true), first, "between-layer masks come from the encoder's generator")

        // Inference: no dropout, no draws; the same as the same weights without dropout.
        let before = model.generatorStates
        let inference = run(false)
        XCTAssertEqual(model.generatorStates, before, "inference draws nothing")
        XCTAssertEqual(run(false), inference)
        XCTAssertNotEqual(inference, first)
        var undroppedConfiguration = configuration
        undroppedConfiguration.dropout = 0
        undroppedConfiguration.encoder.dropout = 0
        undroppedConfiguration.wordDropout = 0
        var sameSeed = SeededGenerator(seed: 505)
        let undropped = SequenceClassifier<Double>(configuration: undroppedConfiguration, generator: &sameSeed)
        XCTAssertEqual(undropped.forward(ids: ids, lengths: lengths, training: false).logits, inference)
        XCTAssertEqual(undropped.forward(ids: ids, lengths: lengths, training: true).logits, inference)
    }

    // MARK: construction and inference

    func testParameterNamesAndPretrainedTable() {
        var generator = SeededGenerator(seed: 606)
        let configuration = configuration(.gru, bidirectional: false, merge: .concat, pooling: .last)
        var table = Matrix<Double>.normal(rows: vocabulary, cols: dimension, standardDeviation: 1, using: &generator)
        let model = SequenceClassifier<Double>(configuration: configuration, pretrainedTable: table, freezeEmbedding: true,
                                       generator: &generator)
        XCTAssertEqual(model.parameters.map(\.name), [
            "embedding.weight",
            "encoder.weight_ih_l0", "encoder.weight_hh_l0", "encoder.bias_ih_l0", "encoder.bias_hh_l0",
            "encoder.weight_ih_l1", "encoder.weight_hh_l1", "encoder.bias_ih_l1", "encoder.bias_hh_l1",
            "output.weight", "output.bias",
        ])
        XCTAssertEqual(model.parameter(named: "output.weight")!.shape, [classes, hidden])
        for j in 0..<dimension { table[0, j] = 0 }
        XCTAssertEqual(model.embedding.table.value, table, "pretrained rows kept, <pad> row zero")
        XCTAssertTrue(model.embedding.isFrozen)

        let (ids, targets) = batch(lengths: lengths, generator: &generator)
        let (logits, cache) = model.forward(ids: ids, lengths: lengths, training: true)
        model.backward(logitsGradient: SoftmaxCrossEntropy()(logits: logits, targets: targets).logitsGradient,
                       cache: cache)
        XCTAssertEqual(model.embedding.table.gradient.squaredNorm, 0, "a frozen table gets no gradient")
        XCTAssertGreaterThan(model.parameter(named: "encoder.weight_ih_l0")!.gradient.squaredNorm, 0)
    }

    func testConfigurationCoding() throws {
        let configuration = SequenceClassifier<Float>.Configuration(
            vocabularySize: 100, embeddingDimension: 8,
            encoder: EncoderConfiguration(cell: .gru, inputSize: 8, hiddenSize: 6, layers: 2, bidirectional: true),
            pooling: .max, classes: 5, dropout: 0.5, wordDropout: 0.1, adversarialEpsilon: 2)
        let data = try JSONEncoder().encode(configuration)
        XCTAssertEqual(try JSONDecoder().decode(SequenceClassifierConfiguration.self, from: data), configuration)
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains(#""pooling":"max""#))

        // Inconsistent values are decoding errors that say what is wrong.
        var mismatched = configuration
        mismatched.embeddingDimension = 9
        XCTAssertThrowsError(try JSONDecoder().decode(SequenceClassifierConfiguration.self,
                                                      from: JSONEncoder().encode(mismatched))) { error in
            XCTAssertTrue("\(error)".contains("encoder reads 8 columns, the embedding gives 9"), "\(error)")
        }
        var oneHot = configuration
        oneHot.oneHot = true
        XCTAssertThrowsError(try JSONDecoder().decode(SequenceClassifierConfiguration.self,
                                                      from: JSONEncoder().encode(oneHot)), "one-hot width 8 ≠ V")
        oneHot.embeddingDimension = 100
        oneHot.encoder.inputSize = 100
        XCTAssertEqual(try JSONDecoder().decode(SequenceClassifierConfiguration.self,
                                                from: JSONEncoder().encode(oneHot)), oneHot)
        var negativeEpsilon = configuration
        negativeEpsilon.adversarialEpsilon = -1
        XCTAssertThrowsError(try JSONDecoder().decode(SequenceClassifierConfiguration.self,
                                                      from: JSONEncoder().encode(negativeEpsilon))) { error in
            XCTAssertTrue("\(error)".contains("adversarial ε -1.0"), "\(error)")
        }
        // Files written before word dropout and adversarial training existed have neither key: both 0.
        var older = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        older["wordDropout"] = nil
        older["adversarialEpsilon"] = nil
        var expected = configuration
        expected.wordDropout = 0
        expected.adversarialEpsilon = 0
        XCTAssertEqual(try JSONDecoder().decode(SequenceClassifierConfiguration.self,
                                                from: JSONSerialization.data(withJSONObject: older)), expected)
        var badEncoder = configuration
        badEncoder.encoder.layers = 0
        XCTAssertThrowsError(try JSONDecoder().decode(SequenceClassifierConfiguration.self,
                                                      from: JSONEncoder().encode(badEncoder)))
    }

    func testProbabilitiesAreTheSoftmaxOfTheLogits() {
        var generator = SeededGenerator(seed: 707)
        let model = SequenceClassifier<Double>(
            configuration: configuration(.rnnTanh, bidirectional: true, merge: .sum, pooling: .max, dropout: 0.5),
            generator: &generator)
        let (ids, _) = batch(lengths: lengths, generator: &generator)
        let logits = model.forward(ids: ids, lengths: lengths, training: false).logits
        let probabilities = model.probabilities(ids: ids, lengths: lengths)
        XCTAssertEqual(probabilities.rows, lengths.count)
        XCTAssertEqual(probabilities.cols, classes)
        for b in 0..<lengths.count {
            let total = (0..<classes).reduce(0.0) { $0 + Double.exp(logits[b, $1]) }
            for c in 0..<classes {
                XCTAssertEqual(probabilities[b, c], Double.exp(logits[b, c]) / total, accuracy: 1e-12)
            }
        }
    }
}
