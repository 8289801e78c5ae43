import Foundation
import NLPTestSupport
import Seq2Seq
import Tensor
import XCTest

/// The CRF output layer against brute-force enumeration of every tag sequence (log-partition,
/// Viterbi, marginals), with and without constraints; central differences; padding; Float against
/// Double; a tiny training run.
final class LinearChainCRFTests: XCTestCase {
    /// Constraints for C = 3 that leave every length possible: no 0 → 2, no 2 → 1, no start on 2,
    /// no end on 1.
    let smallMasks = CRFMasks(transitions: [[true, true, false], [true, true, true], [true, false, true]],
                              start: [true, true, false], end: [true, false, true])
    /// Constraints for C = 4 with forbidden transitions, starts and ends: 3 never starts, 0 never
    /// ends, no 0 → 2, 2 → 3, 3 → 1 or 3 → 3.
    let mixedMasks = CRFMasks(transitions: [[true, true, false, true], [true, true, true, true],
                                            [true, true, true, false], [true, false, true, false]],
                              start: [true, true, true, false], end: [false, true, true, true], name: "mixed 4")
    /// A chain 0 → 1 → 2 → 0 (each tag may also repeat) that starts and ends on 0: some tags are
    /// unreachable at the first steps and some cannot reach the end from the last ones, so whole
    /// log-sum-exps are over −∞ alone.
    let chainMasks = CRFMasks(transitions: [[true, true, false], [false, true, true], [true, false, true]],
                              start: [true, false, false], end: [true, false, false], name: "chain 3")

    // MARK: construction

    func testParametersAreNamedShapedAndInitialisedAsPytorchCRF() {
        var generator = SeededGenerator(seed: 1)
        let crf = LinearChainCRF<Double>(tagCount: 5, generator: &generator)
        XCTAssertEqual(crf.tagCount, 5)
        XCTAssertEqual(crf.parameters.map(\.name), ["crf.start_transitions", "crf.end_transitions", "crf.transitions"])
        XCTAssertEqual(crf.parameters.map(\.shape), [[5], [5], [5, 5]])
        let values = crf.parameters.flatMap(\.value.storage)
        XCTAssertTrue(values.allSatisfy { abs($0) <= 0.1 }, "U(−0.1, 0.1)")
        XCTAssertLessThan(values.min()!, -0.05)
        XCTAssertGreaterThan(values.max()!, 0.05)

        // The masks change no draw; the prefix only the names.
        var same = SeededGenerator(seed: 1)
        let masked = LinearChainCRF<Double>(tagCount: 5, prefix: "tagger.crf.",
                                            allowedTransitions: CRFMasks.bio(types: 2).transitions,
                                            generator: &same)
        XCTAssertEqual(masked.parameters.map(\.value), crf.parameters.map(\.value))
        XCTAssertEqual(masked.parameter(named: "tagger.crf.transitions")?.shape, [5, 5])
        XCTAssertTrue(crf.allowedTransitions.allSatisfy { $0.allSatisfy { $0 } })
        XCTAssertEqual(masked.allowedTransitions, CRFMasks.bio(types: 2).transitions)
    }

    func testAllowsFollowsTheMasks() {
        let masks = CRFMasks.bio(types: 2)   // O, B-X, I-X, B-Y, I-Y
        var generator = SeededGenerator(seed: 2)
        let crf = masks.crf(generator: &generator)
        XCTAssertTrue(crf.allows([0]))
        XCTAssertTrue(crf.allows([1, 2, 2, 0, 3, 4]))
        XCTAssertTrue(crf.allows([3, 1, 2, 3]))
        XCTAssertFalse(crf.allows([2]), "start on I-X")
        XCTAssertFalse(crf.allows([0, 2]), "O → I-X")
        XCTAssertFalse(crf.allows([1, 4]), "B-X → I-Y")
        let small = smallMasks.crf(generator: &generator)
        XCTAssertTrue(small.allows([0, 1, 2, 0]))
        XCTAssertFalse(small.allows([0, 1]), "end on 1")
        XCTAssertFalse(small.allows([2, 0]), "start on 2")
        XCTAssertFalse(small.allows([0, 2, 0]), "0 → 2")
    }

    // MARK: against enumeration

    /// ℓ = log Z − s(y) for each sentence alone, and summed or averaged over a padded batch.
    func testLogPartitionEqualsEnumeration() {
        let lengths = [1, 2, 3, 4]
        for masks in [CRFMasks.free(3), smallMasks, chainMasks] {
            for seed in 0..<4 as Range<UInt64> {
                var generator = SeededGenerator(seed: 10 + seed)
                let crf = masks.crf(generator: &generator, spread: 1)
                let reference = BruteForceCRF(crf, masks)
                let (emissions, tags) = batch(lengths: lengths, reference: reference, scale: 2, generator: &generator)
                var total = 0.0
                for b in lengths.indices {
                    let (e, y) = sentence(b, emissions: emissions, tags: tags, lengths: lengths)
                    let expected = reference.logPartition(e) - reference.score(y, e)
                    let alone = crf.negativeLogLikelihood(emissions: matrix(e), tags: y, lengths: [y.count],
                                                          reduction: .sum).loss
                    XCTAssertEqual(alone, expected, accuracy: 1e-10, "\(masks.name) seed \(seed) L = \(y.count)")
                    total += expected
                }
                let summed = crf.negativeLogLikelihood(emissions: emissions, tags: tags, lengths: lengths, reduction: .sum)
                let mean = crf.negativeLogLikelihood(emissions: emissions, tags: tags, lengths: lengths)
                XCTAssertEqual(summed.loss, total, accuracy: 1e-10, "\(masks.name) seed \(seed)")
                XCTAssertEqual(mean.loss, total / Double(lengths.count), accuracy: 1e-10, "\(masks.name) seed \(seed)")
            }
        }
    }

    func testViterbiEqualsBruteForceArgmax() {
        let lengths = [5, 1, 3, 4, 2]
        for masks in [CRFMasks.free(3), smallMasks, chainMasks, CRFMasks.free(4), CRFMasks.bio(types: 2)] {
            for seed in 0..<5 as Range<UInt64> {
                var generator = SeededGenerator(seed: 20 + seed)
                let crf = masks.crf(generator: &generator, spread: 1.5)
                let reference = BruteForceCRF(crf, masks)
                let (emissions, tags) = batch(lengths: lengths, reference: reference, scale: 1.5, generator: &generator)
                let paths = crf.decode(emissions: emissions, lengths: lengths)
                XCTAssertEqual(paths.map(\.count), lengths)
                for b in lengths.indices {
                    let e = sentence(b, emissions: emissions, tags: tags, lengths: lengths).emissions
                    XCTAssertEqual(paths[b], reference.best(e), "\(masks.name) seed \(seed) sentence \(b)")
                    XCTAssertTrue(crf.allows(paths[b]), "\(masks.name): \(paths[b])")
                }
            }
        }
    }

    /// Emissions that favour I-X everywhere and a huge score on the forbidden O → I-X: without
    /// masks Viterbi takes them, with masks never, however the scores tempt it.
    func testViterbiNeverTakesADisallowedStep() {
        let masks = CRFMasks.bio(types: 2), lengths = [4, 6, 1, 5], T = 6, B = 4
        var generator = SeededGenerator(seed: 30)
        let crf = masks.crf(generator: &generator, spread: 1)
        let free = CRFMasks.free(5).crf(generator: &generator)
        for (target, source) in zip(free.parameters, crf.parameters) { target.value = source.value }
        for model in [crf, free] {
            model.transitions.value[0, 2] = 100
            model.transitions.value[4, 2] = 50
            model.startTransitions.value[0, 2] = 50
        }
        var emissions = Matrix<Double>.normal(rows: T * B, cols: 5, standardDeviation: 0.5, using: &generator)
        for row in 0..<(T * B) { emissions[row, 2] += 5; emissions[row, 0] += 2 }
        let unconstrained = free.decode(emissions: emissions, lengths: lengths)
        XCTAssertTrue(unconstrained.contains { !crf.allows($0) }, "premise: the free CRF takes forbidden steps")
        let reference = BruteForceCRF(crf, masks)
        let paths = crf.decode(emissions: emissions, lengths: lengths)
        for b in 0..<B {
            XCTAssertTrue(crf.allows(paths[b]), "\(paths[b])")
            let e = sentence(b, emissions: emissions, tags: [], lengths: lengths).emissions
            XCTAssertEqual(paths[b], reference.best(e))
        }

        // Random scores and emissions: never a forbidden start, step or end.
        for model in [crf, mixedMasks.crf(generator: &generator), chainMasks.crf(generator: &generator)] {
            for _ in 0..<40 {
                for parameter in model.parameters {
                    parameter.value = .normal(rows: parameter.value.rows, cols: parameter.value.cols,
                                              standardDeviation: 5, using: &generator)
                }
                let emissions = Matrix<Double>.normal(rows: T * B, cols: model.tagCount, standardDeviation: 5,
                                                      using: &generator)
                for path in model.decode(emissions: emissions, lengths: lengths) {
                    XCTAssertTrue(model.allows(path), "\(path)")
                }
            }
        }
    }

    /// Equal scores: Viterbi keeps the lower tag at every choice, in Float and Double.
    func testViterbiTiesGoToTheLowerTag() {
        let lengths = [3, 1, 4], B = 3, T = 4, C = 10   // two 8-lane vectors
        var generator = SeededGenerator(seed: 95)
        let double = CRFMasks.free(C).crf(generator: &generator)
        let float = LinearChainCRF<Float>(tagCount: C, generator: &generator)
        for (a, b) in zip(double.parameters, float.parameters) {
            a.value.zero()
            b.value.zero()
        }
        var emissions = Matrix<Double>(rows: T * B, cols: C)
        let zeros = lengths.map { Array(repeating: 0, count: $0) }
        XCTAssertEqual(double.decode(emissions: emissions, lengths: lengths), zeros, "every path ties")
        XCTAssertEqual(float.decode(emissions: Matrix(emissions), lengths: lengths), zeros, "every path ties")
        for row in 0..<(T * B) {
            emissions[row, 5] = 1
            emissions[row, 9] = 1
        }
        let fives = lengths.map { Array(repeating: 5, count: $0) }
        XCTAssertEqual(double.decode(emissions: emissions, lengths: lengths), fives, "5 and 9 tie")
        XCTAssertEqual(float.decode(emissions: Matrix(emissions), lengths: lengths), fives, "5 and 9 tie")
    }

    /// C = 9 and 17 span two and three 8-lane vectors: the padded lanes must drop out.
    func testWiderTagSetsMatchEnumeration() {
        let lengths = [3, 1, 2]
        for masks in [CRFMasks.bio(types: 4), CRFMasks.free(9), CRFMasks.bio(types: 8), CRFMasks.free(10)] {
            var generator = SeededGenerator(seed: 40)
            let crf = masks.crf(generator: &generator, spread: 1)
            let reference = BruteForceCRF(crf, masks)
            let (emissions, tags) = batch(lengths: lengths, reference: reference, scale: 2, generator: &generator)
            let marginals = crf.marginals(emissions: emissions, lengths: lengths)
            let paths = crf.decode(emissions: emissions, lengths: lengths)
            let B = lengths.count
            for b in 0..<B {
                let (e, y) = sentence(b, emissions: emissions, tags: tags, lengths: lengths)
                let loss = crf.negativeLogLikelihood(emissions: matrix(e), tags: y, lengths: [y.count],
                                                     reduction: .sum).loss
                XCTAssertEqual(loss, reference.logPartition(e) - reference.score(y, e), accuracy: 1e-10, masks.name)
                XCTAssertEqual(paths[b], reference.best(e), masks.name)
                let expected = reference.marginals(e)
                for t in 0..<y.count { for j in 0..<masks.count {
                    XCTAssertEqual(marginals[t * B + b, j], expected[t][j], accuracy: 1e-10, "\(masks.name) (\(t), \(j))")
                } }
            }
        }
    }

    func testMarginalsSumToOneAndMatchEnumeration() {
        let lengths = [4, 1, 3], B = 3, T = 5   // one step of padding for every sentence
        for masks in [CRFMasks.free(3), smallMasks, chainMasks, CRFMasks.bio(types: 2)] {
            var generator = SeededGenerator(seed: 50)
            let crf = masks.crf(generator: &generator, spread: 1)
            let reference = BruteForceCRF(crf, masks)
            let (emissions, tags) = batch(lengths: lengths, steps: T, reference: reference, scale: 2, generator: &generator)
            let marginals = crf.marginals(emissions: emissions, lengths: lengths)
            XCTAssertEqual(marginals.rows, T * B)
            XCTAssertEqual(marginals.cols, masks.count)
            for b in 0..<B {
                let e = sentence(b, emissions: emissions, tags: tags, lengths: lengths).emissions
                let expected = reference.marginals(e)
                for t in 0..<T {
                    let row = (0..<masks.count).map { marginals[t * B + b, $0] }
                    guard t < lengths[b] else {
                        XCTAssertEqual(row, Array(repeating: 0, count: masks.count), "padded row")
                        continue
                    }
                    XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-12, "\(masks.name) (\(t), \(b))")
                    for j in 0..<masks.count {
                        XCTAssertEqual(row[j], expected[t][j], accuracy: 1e-10, "\(masks.name) (\(t), \(b), \(j))")
                    }
                }
            }
        }
    }

    // MARK: gradients

    /// The mean loss over a padded batch against central differences, for emissions and all three
    /// parameters; padded rows and disallowed parameters get exactly zero.
    func testGradientsMatchCentralDifferences() {
        let lengths = [4, 1, 3], B = 3, T = 4
        for masks in [CRFMasks.free(4), mixedMasks, chainMasks] {
            var generator = SeededGenerator(seed: 60)
            let crf = masks.crf(generator: &generator, spread: 0.7)
            let reference = BruteForceCRF(crf, masks)
            let (values, tags) = batch(lengths: lengths, reference: reference, scale: 1, generator: &generator)
            let emissions = Parameter(name: "emissions", value: values)
            crf.zeroGradients()
            emissions.gradient = crf.negativeLogLikelihood(emissions: values, tags: tags, lengths: lengths)
                .emissionsGradient

            for t in 0..<T { for b in 0..<B where t >= lengths[b] {
                for j in 0..<masks.count { XCTAssertEqual(emissions.gradient[t * B + b, j], 0, "padded row") }
            } }
            for i in 0..<masks.count {
                if !masks.start[i] {
                    XCTAssertEqual(crf.startTransitions.gradient.storage[i], 0, "\(masks.name) start \(i)")
                }
                if !masks.end[i] { XCTAssertEqual(crf.endTransitions.gradient.storage[i], 0, "\(masks.name) end \(i)") }
                for j in 0..<masks.count where !masks.transitions[i][j] {
                    XCTAssertEqual(crf.transitions.gradient[i, j], 0, "\(masks.name) \(i) → \(j)")
                }
            }
            // Not vacuous (∂end may truly be 0: with a single allowed end, γ_L equals the gold indicator).
            XCTAssertGreaterThan(crf.transitions.gradient.squaredNorm, 0, masks.name)
            XCTAssertGreaterThan(crf.startTransitions.gradient.squaredNorm, 0, masks.name)

            let errors = GradientCheck(samplesPerParameter: 1000).worstErrors(
                of: crf.parameters + [emissions], generator: &generator
            ) {
                let saved = crf.parameters.map(\.gradient)   // the loss must not disturb the analytic gradients
                defer { for (parameter, gradient) in zip(crf.parameters, saved) { parameter.gradient = gradient } }
                return crf.negativeLogLikelihood(emissions: emissions.value, tags: tags, lengths: lengths).loss
            }
            XCTAssertEqual(errors.count, 4)
            for (name, error) in errors.sorted(by: { $0.key < $1.key }) {
                XCTAssertLessThan(error, 1e-6, "\(masks.name): \(name)")
            }

            // .sum is B times .mean, loss and gradients.
            let mean = crf.parameters.map(\.gradient)
            crf.zeroGradients()
            let summed = crf.negativeLogLikelihood(emissions: values, tags: tags, lengths: lengths, reduction: .sum)
            for (parameter, gradient) in zip(crf.parameters, mean) {
                for i in 0..<gradient.count {
                    XCTAssertEqual(parameter.gradient.storage[i], Double(B) * gradient.storage[i], accuracy: 1e-12)
                }
            }
            for i in 0..<values.count {
                XCTAssertEqual(summed.emissionsGradient.storage[i], Double(B) * emissions.gradient.storage[i],
                               accuracy: 1e-12)
            }
        }
    }

    /// A disallowed transition, start or end carries no probability: setting its parameter to
    /// anything changes no loss, gradient, marginal or path.
    func testDisallowedScoresCarryNoProbability() {
        let lengths = [4, 2, 5]
        for masks in [CRFMasks.bio(types: 2), mixedMasks] {
            var generator = SeededGenerator(seed: 70)
            let crf = masks.crf(generator: &generator, spread: 1)
            let reference = BruteForceCRF(crf, masks)
            let (emissions, tags) = batch(lengths: lengths, reference: reference, scale: 2, generator: &generator)
            func everything() -> [Matrix<Double>] {
                crf.zeroGradients()
                let (loss, gradient) = crf.negativeLogLikelihood(emissions: emissions, tags: tags, lengths: lengths)
                let paths = crf.decode(emissions: emissions, lengths: lengths).flatMap { $0 }.map { Double($0) }
                return [Matrix(rows: 1, cols: 1, storage: [loss]), gradient,
                        crf.marginals(emissions: emissions, lengths: lengths),
                        Matrix(rows: 1, cols: paths.count, storage: paths)] + crf.parameters.map(\.gradient)
            }
            let before = everything()
            for i in 0..<masks.count {
                if !masks.start[i] { crf.startTransitions.value[0, i] = 40 }
                if !masks.end[i] { crf.endTransitions.value[0, i] = 40 }
                for j in 0..<masks.count where !masks.transitions[i][j] {
                    crf.transitions.value[i, j] = i % 2 == 0 ? 40 : -40
                }
            }
            XCTAssertEqual(everything(), before, masks.name)
            let marginals = crf.marginals(emissions: emissions, lengths: lengths), B = lengths.count
            for b in 0..<B {
                for j in 0..<masks.count where !masks.start[j] {
                    XCTAssertEqual(marginals[b, j], 0, "\(masks.name) starts on \(j)")
                }
                for j in 0..<masks.count where !masks.end[j] {
                    XCTAssertEqual(marginals[(lengths[b] - 1) * B + b, j], 0, "\(masks.name) ends on \(j)")
                }
            }
        }
    }

    // MARK: helpers

    /// Time-major emissions (T·B, C), N(0, scale²) on every row (padded rows too), and for each
    /// sentence a random allowed tag sequence (a walk along allowed steps, until one ends where
    /// allowed); −1 on padded steps.
    func batch(
        lengths: [Int], steps: Int? = nil, reference: BruteForceCRF, scale: Double, generator: inout SeededGenerator
    ) -> (emissions: Matrix<Double>, tags: [Int]) {
        let B = lengths.count, T = steps ?? lengths.max()!
        let emissions = Matrix<Double>.normal(rows: T * B, cols: reference.count, standardDeviation: scale,
                                              using: &generator)
        var tags = [Int](repeating: -1, count: T * B)
        for b in 0..<B {
            let masks = reference.masks
            func pick(_ allowed: [Bool]) -> Int? {
                let choices = allowed.indices.filter { allowed[$0] }
                return choices.isEmpty ? nil : choices[Int(generator.next() % UInt64(choices.count))]
            }
            walk: while true {
                guard var tag = pick(masks.start) else { preconditionFailure("no allowed start") }
                tags[b] = tag
                for t in 1..<lengths[b] {
                    guard let next = pick(masks.transitions[tag]) else { continue walk }
                    tag = next
                    tags[t * B + b] = tag
                }
                if masks.end[tag] { break }
            }
        }
        return (emissions, tags)
    }

    /// Sentence b of a batch: its emission rows (L × C) and gold tags.
    func sentence(
        _ b: Int, emissions: Matrix<Double>, tags: [Int], lengths: [Int]
    ) -> (emissions: [[Double]], tags: [Int]) {
        let B = lengths.count
        let e = (0..<lengths[b]).map { t in (0..<emissions.cols).map { emissions[t * B + b, $0] } }
        return (e, tags.isEmpty ? [] : (0..<lengths[b]).map { tags[$0 * B + b] })
    }

    func matrix(_ rows: [[Double]]) -> Matrix<Double> {
        Matrix(rows: rows.count, cols: rows[0].count, storage: rows.flatMap { $0 })
    }
}
