import Foundation
import NLPTestSupport
import Seq2Seq
import Tensor
import XCTest

/// The tagger's network: whole-model gradient checks with a per-token softmax cross-entropy, with and
/// without character features; padding; dropout replay; names; configuration.
final class SequenceTaggerTests: XCTestCase {
    let threshold = 1e-6
    let lengths = [4, 1, 3]        // B = 3, T = 4, one sentence of a single token
    let (vocabulary, dimension, hidden, tags) = (7, 3, 3, 4)
    let (characterVocabulary, characterDimension, characterHidden) = (6, 2, 2)
    /// Spellings the tokens draw from, so that a batch repeats some (each distinct one is encoded
    /// once and gets the summed gradient of its tokens).
    let spellings = [[1, 2, 3], [4], [2, 5, 1, 3, 3], [5, 5], [3, 1]]

    func configuration(
        _ cell: CellKind, characters: Bool, dropout: Double = 0, encoderDropout: Double = 0, wordDropout: Double = 0
    ) -> SequenceTagger<Double>.Configuration {
        let characterHidden = characters ? self.characterHidden : 0
        return .init(
            vocabularySize: vocabulary, embeddingDimension: dimension,
            characterVocabularySize: characters ? characterVocabulary : 0,
            characterEmbeddingDimension: characters ? characterDimension : 0, characterHiddenSize: characterHidden,
            encoder: EncoderConfiguration(cell: cell, inputSize: dimension + 2 * characterHidden, hiddenSize: hidden,
                                          layers: 2, bidirectional: true, dropout: encoderDropout),
            tagCount: tags, dropout: dropout, wordDropout: wordDropout)
    }

    /// Time-major ids and spellings (T·B) and per-token targets: real tokens draw ids 1..<V and
    /// spellings from `spellings`; padded steps hold junk the model must ignore (ids outside the
    /// vocabulary, empty or out-of-range spellings) and the ignored target −1.
    func batch(lengths: [Int], generator: inout SeededGenerator) -> (ids: [Int], characters: [[Int]], targets: [Int]) {
        let B = lengths.count, T = lengths.max()!
        var ids = [Int](repeating: 0, count: T * B), characters = [[Int]](repeating: [], count: T * B)
        var targets = [Int](repeating: -1, count: T * B)
        for t in 0..<T { for b in 0..<B {
            let row = t * B + b
            if t < lengths[b] {
                ids[row] = 1 + Int(generator.next() % UInt64(vocabulary - 1))
                characters[row] = spellings[Int(generator.next() % UInt64(spellings.count))]
                targets[row] = Int(generator.next() % UInt64(tags))
            } else {
                ids[row] = [vocabulary + 5, -3, 1][Int(generator.next() % 3)]
                characters[row] = [[], [0, 99], [2, 2, 2, 2, 2, 2, 2, 2, 2]][Int(generator.next() % 3)]
            }
        } }
        return (ids, characters, targets)
    }

    // MARK: gradients

    func testGradientsWithAndWithoutCharactersForLSTMAndGRU() {
        for cell in [CellKind.lstm, .gru] {
            for characters in [false, true] {
                var generator = SeededGenerator(seed: 41)
                let model = SequenceTagger<Double>(configuration: configuration(cell, characters: characters),
                                                   generator: &generator)
                checkGradients(model, name: "\(cell.rawValue) characters \(characters)", generator: &generator)
            }
        }
    }

    /// Dropout on (tokens, encoder outputs, between layers): with the generators set back before each
    /// pass the masks are constants, so the gradient through them can be checked too.
    func testGradientsThroughReplayedDropoutMasks() {
        var generator = SeededGenerator(seed: 42)
        let model = SequenceTagger<Double>(
            configuration: configuration(.lstm, characters: true, dropout: 0.3, encoderDropout: 0.4, wordDropout: 0.3),
            generator: &generator)
        checkGradients(model, name: "dropout", training: true, generator: &generator)
    }

    func checkGradients(
        _ model: SequenceTagger<Double>, name: String, training: Bool = false, generator: inout SeededGenerator
    ) {
        let (ids, characters, targets) = batch(lengths: lengths, generator: &generator)
        let criterion = SoftmaxCrossEntropy(ignoredTarget: -1)
        let states = model.generatorStates
        func emissions() -> Matrix<Double> {
            model.generatorStates = states   // the same masks in every pass
            return model.forward(ids: ids, characters: characters, lengths: lengths, training: training).emissions
        }
        if training {
            XCTAssertNotEqual(emissions(), model.forward(ids: ids, characters: characters, lengths: lengths,
                                                         training: false).emissions, "\(name): dropout is active")
        }
        model.zeroGradients()
        model.generatorStates = states
        let (forwardEmissions, cache) = model.forward(ids: ids, characters: characters, lengths: lengths,
                                                      training: training)
        XCTAssertEqual(forwardEmissions.rows, ids.count, name)
        XCTAssertEqual(forwardEmissions.cols, tags, name)
        model.backward(emissionsGradient: criterion(logits: forwardEmissions, targets: targets).logitsGradient,
                       cache: cache)

        XCTAssertEqual(model.embedding.table.gradient.rows(0..<1).squaredNorm, 0, "\(name): <pad> row gradient")
        if let table = model.characters?.embedding.table {
            XCTAssertEqual(table.gradient.rows(0..<1).squaredNorm, 0, "\(name): character <pad> row gradient")
        }
        for parameter in model.parameters {
            XCTAssertGreaterThan(parameter.gradient.squaredNorm, 0, "\(name): no gradient reaches \(parameter.name)")
        }
        let errors = GradientCheck().worstErrors(of: model.parameters, generator: &generator) {
            criterion(logits: emissions(), targets: targets).loss
        }
        XCTAssertEqual(errors.count, model.parameters.count, name)
        for (parameter, error) in errors.sorted(by: { $0.key < $1.key }) {
            XCTAssertLessThan(error, threshold, "\(name): \(parameter)")
        }
    }

    // MARK: padding

    /// Emissions on padded steps are zero, and their gradients are ignored: junk there changes no
    /// parameter gradient.
    func testPaddedRowsAreZeroAndTheirGradientsIgnored() {
        var generator = SeededGenerator(seed: 43)
        let model = SequenceTagger<Double>(configuration: configuration(.lstm, characters: true), generator: &generator)
        let (ids, characters, targets) = batch(lengths: lengths, generator: &generator)
        let (emissions, cache) = model.forward(ids: ids, characters: characters, lengths: lengths, training: false)
        let B = lengths.count
        for row in 0..<ids.count {
            let padded = row / B >= lengths[row % B]
            XCTAssertEqual(emissions.rows(row..<(row + 1)).squaredNorm == 0, padded, "row \(row)")
        }
        let gradient = SoftmaxCrossEntropy(ignoredTarget: -1)(logits: emissions, targets: targets).logitsGradient
        model.zeroGradients()
        model.backward(emissionsGradient: gradient, cache: cache)
        let clean = model.parameters.map(\.gradient)
        var junk = gradient
        for row in 0..<ids.count where targets[row] == -1 {
            for c in 0..<tags { junk[row, c] = generator.nextNormal() }
        }
        model.zeroGradients()
        model.backward(emissionsGradient: junk, cache: cache)
        for (parameter, expected) in zip(model.parameters, clean) {
            XCTAssertEqual(parameter.gradient, expected, parameter.name)
        }
    }

    /// A sentence's emissions are the same alone as inside a padded batch of other sentences, whatever
    /// the padded steps hold, with and without character features.
    func testPaddingDoesNotChangeEmissions() {
        let lengths = [2, 5, 1, 3]
        let B = lengths.count
        for (cell, characters) in [(CellKind.lstm, true), (.gru, true), (.lstm, false)] {
            let name = "\(cell.rawValue) characters \(characters)"
            var generator = SeededGenerator(seed: 44)
            let configuration = configuration(cell, characters: characters)
            let model = SequenceTagger<Double>(configuration: configuration, generator: &generator)
            let (ids, words, _) = batch(lengths: lengths, generator: &generator)
            let together = model.forward(ids: ids, characters: words, lengths: lengths, training: false).emissions
            var floatGenerator = SeededGenerator(seed: 44)
            let floatModel = SequenceTagger<Float>(configuration: configuration, generator: &floatGenerator)
            let floatTogether = floatModel.forward(ids: ids, characters: words, lengths: lengths, training: false)
                .emissions
            for b in 0..<B {
                let rows = (0..<lengths[b]).map { $0 * B + b }
                let alone = model.forward(ids: rows.map { ids[$0] }, characters: rows.map { words[$0] },
                                          lengths: [lengths[b]], training: false).emissions
                let floatAlone = floatModel.forward(ids: rows.map { ids[$0] }, characters: rows.map { words[$0] },
                                                    lengths: [lengths[b]], training: false).emissions
                for (t, row) in rows.enumerated() {
                    XCTAssertEqual(alone.rows(t..<(t + 1)), together.rows(row..<(row + 1)),
                                   "\(name): sentence \(b) token \(t) (Double, exact)")
                    // Float: oneDNN products and the SIMD kernels; equal up to rounding.
                    for c in 0..<tags {
                        XCTAssertEqual(floatAlone[t, c], floatTogether[row, c], accuracy: 1e-5,
                                       "\(name): Float sentence \(b) token \(t)")
                    }
                }
            }
        }
    }

    /// The character features change the emissions: a token's spelling is read.
    func testSpellingChangesTheEmissions() {
        var generator = SeededGenerator(seed: 45)
        let model = SequenceTagger<Double>(configuration: configuration(.gru, characters: true), generator: &generator)
        let (ids, characters, _) = batch(lengths: lengths, generator: &generator)
        let emissions = model.forward(ids: ids, characters: characters, lengths: lengths, training: false).emissions
        var respelled = characters
        respelled[0] = characters[0] == [4] ? [5] : [4]   // row 0: step 0 of sentence 0, a real token
        let changed = model.forward(ids: ids, characters: respelled, lengths: lengths, training: false).emissions
        XCTAssertNotEqual(emissions.rows(0..<1), changed.rows(0..<1))
    }

    // MARK: dropout

    func testDropoutReplaysFromGeneratorStatesAndIsOffInInference() {
        var generator = SeededGenerator(seed: 46)
        let configuration = configuration(.lstm, characters: true, dropout: 0.5, encoderDropout: 0.5, wordDropout: 0.5)
        let model = SequenceTagger<Double>(configuration: configuration, generator: &generator)
        let (ids, characters, _) = batch(lengths: lengths, generator: &generator)
        func run(_ training: Bool) -> Matrix<Double> {
            model.forward(ids: ids, characters: characters, lengths: lengths, training: training).emissions
        }

        let saved = model.generatorStates
        XCTAssertEqual(saved.count, 3, "own, encoder, character encoder")
        let first = run(true)
        XCTAssertNotEqual(run(true), first, "the generators advance: new masks each pass")
        model.generatorStates = saved
        XCTAssertEqual(run(true), first, "restored states replay the masks")
        // The encoder's generator is part of the state: restoring only the model's own is not enough.
        model.generatorStates = [saved[0], model.generatorStates[1], saved[2]]
        XCTAssertNotEqual(run(true), first, "between-layer masks come from the encoder's generator")
        // Each state goes to its own generator (the one-layer character encoder never draws, so its
        // state is checked by reading it back).
        let other = (50...52).map { SeededGenerator(seed: $0).savedState }
        model.generatorStates = other
        XCTAssertEqual(model.generatorStates, other)
        XCTAssertEqual(model.characters!.dropoutGenerator.savedState, other[2], "the character encoder's is set")
        model.generatorStates = saved

        // Inference: no dropout, no draws; the same as the same weights without dropout.
        let before = model.generatorStates
        let inference = run(false)
        XCTAssertEqual(model.generatorStates, before, "inference draws nothing")
        XCTAssertNotEqual(inference, first)
        var undroppedConfiguration = configuration
        undroppedConfiguration.dropout = 0
        undroppedConfiguration.encoder.dropout = 0
        undroppedConfiguration.wordDropout = 0
        var sameSeed = SeededGenerator(seed: 46)
        let undropped = SequenceTagger<Double>(configuration: undroppedConfiguration, generator: &sameSeed)
        XCTAssertEqual(undropped.forward(ids: ids, characters: characters, lengths: lengths, training: true).emissions,
                       inference)

        var plain = SeededGenerator(seed: 47)
        XCTAssertEqual(SequenceTagger<Double>(configuration: self.configuration(.gru, characters: false),
                                              generator: &plain).generatorStates.count, 2)
    }

    // MARK: construction

    func testParameterNamesAndPretrainedTable() {
        var generator = SeededGenerator(seed: 48)
        var table = Matrix<Double>.normal(rows: vocabulary, cols: dimension, standardDeviation: 1, using: &generator)
        let model = SequenceTagger<Double>(configuration: configuration(.lstm, characters: true), pretrainedTable: table,
                                           freezeEmbedding: true, generator: &generator)
        let directions = ["l0", "l0_reverse"]
        let encoderLayers = ["l0", "l0_reverse", "l1", "l1_reverse"]
        func recurrent(_ prefix: String, _ suffixes: [String]) -> [String] {
            suffixes.flatMap { s in ["weight_ih_", "weight_hh_", "bias_ih_", "bias_hh_"].map { prefix + $0 + s } }
        }
        XCTAssertEqual(model.parameters.map(\.name),
                       ["embedding.weight", "chars.embedding.weight"] + recurrent("chars.encoder.", directions)
                       + recurrent("encoder.", encoderLayers) + ["output.weight", "output.bias"])
        XCTAssertEqual(model.parameter(named: "chars.embedding.weight")!.shape, [characterVocabulary, characterDimension])
        XCTAssertEqual(model.parameter(named: "encoder.weight_ih_l0")!.shape,
                       [4 * hidden, dimension + 2 * characterHidden])
        XCTAssertEqual(model.parameter(named: "output.weight")!.shape, [tags, 2 * hidden])
        XCTAssertEqual(model.parameter(named: "output.bias")!.shape, [tags])
        for j in 0..<dimension { table[0, j] = 0 }
        XCTAssertEqual(model.embedding.table.value, table, "pretrained rows kept, <pad> row zero")
        XCTAssertTrue(model.embedding.isFrozen)

        let (ids, characters, targets) = batch(lengths: lengths, generator: &generator)
        let (emissions, cache) = model.forward(ids: ids, characters: characters, lengths: lengths, training: true)
        model.backward(emissionsGradient: SoftmaxCrossEntropy(ignoredTarget: -1)(logits: emissions, targets: targets)
            .logitsGradient, cache: cache)
        XCTAssertEqual(model.embedding.table.gradient.squaredNorm, 0, "a frozen table gets no gradient")
        XCTAssertGreaterThan(model.parameter(named: "chars.embedding.weight")!.gradient.squaredNorm, 0)

        var plain = SeededGenerator(seed: 49)
        let wordsOnly = SequenceTagger<Double>(configuration: configuration(.gru, characters: false), generator: &plain)
        XCTAssertNil(wordsOnly.characters)
        XCTAssertFalse(wordsOnly.parameters.contains { $0.name.hasPrefix("chars.") })
        XCTAssertEqual(wordsOnly.parameters.count, 1 + 16 + 2)
        XCTAssertEqual(wordsOnly.embedding.table.value.rows(0..<1).squaredNorm, 0, "random table: <pad> row zero")
    }

    func testConfigurationCoding() throws {
        let configuration = SequenceTagger<Float>.Configuration(
            vocabularySize: 100, embeddingDimension: 8, characterVocabularySize: 30, characterEmbeddingDimension: 5,
            characterHiddenSize: 4,
            encoder: EncoderConfiguration(cell: .lstm, inputSize: 16, hiddenSize: 6, layers: 2, bidirectional: true),
            tagCount: 9, dropout: 0.5)
        let data = try JSONEncoder().encode(configuration)
        XCTAssertEqual(try JSONDecoder().decode(SequenceTaggerConfiguration.self, from: data), configuration)
        XCTAssertEqual(configuration.characterEncoder,
                       EncoderConfiguration(cell: .lstm, inputSize: 5, hiddenSize: 4, layers: 1, bidirectional: true))

        // Without characters the character keys may be left out.
        let short = #"{"vocabularySize": 10, "embeddingDimension": 4, "tagCount": 3,"#
            + #" "encoder": {"cell": "gru", "inputSize": 4, "hiddenSize": 2}}"#
        let decoded = try JSONDecoder().decode(SequenceTaggerConfiguration.self, from: Data(short.utf8))
        XCTAssertEqual(decoded, SequenceTaggerConfiguration(
            vocabularySize: 10, embeddingDimension: 4,
            encoder: EncoderConfiguration(cell: .gru, inputSize: 4, hiddenSize: 2), tagCount: 3))
        XCTAssertNil(decoded.characterEncoder)

        // Inconsistent values are decoding errors that say what is wrong.
        func rejects(_ change: (inout SequenceTaggerConfiguration) -> Void, _ message: String,
                     file: StaticString = #filePath, line: UInt = #line) {
            var bad = configuration
            change(&bad)
            XCTAssertThrowsError(try JSONDecoder().decode(SequenceTaggerConfiguration.self,
                                                          from: JSONEncoder().encode(bad)), file: file, line: line) {
                XCTAssertTrue("\($0)".contains(message), "\($0)", file: file, line: line)
            }
        }
        rejects({ $0.embeddingDimension = 9 }, "encoder reads 16 columns, the token vectors give 17 (9 + 2 × 4)")
        rejects({ $0.characterHiddenSize = 5 }, "encoder reads 16 columns, the token vectors give 18")
        rejects({ $0.characterVocabularySize = 0 }, "without characters")
        rejects({ $0.characterVocabularySize = 1 }, "<pad> and at least one character needed")
        rejects({ $0.characterEmbeddingDimension = 0 }, "character embedding dimension 0 < 1")
        rejects({ $0.tagCount = 0 }, "0 tags")
        rejects({ $0.dropout = 1 }, "dropout 1.0 outside [0, 1)")
        rejects({ $0.encoder.layers = 0 }, "0 layers")
        rejects({ $0.vocabularySize = 1 }, "vocabulary size 1")
    }
}
