import NLPTestSupport
import Seq2Seq
import Tensor
import XCTest

/// The CRF on whole batches: padding, thread splits, Float against Double, a training run.
extension LinearChainCRFTests {
    // MARK: padding and precision

    /// A sentence alone and inside a padded batch (with garbage emissions and tags on padded steps,
    /// and a step of padding for all) gives the same loss, gradients, marginals and path.
    func testPaddingDoesNotMatter() {
        let lengths = [2, 5, 1, 3], B = 4, T = 6
        for masks in [CRFMasks.free(4), CRFMasks.bio(types: 2)] {
            var generator = SeededGenerator(seed: 80)
            let crf = masks.crf(generator: &generator, spread: 1)
            let reference = BruteForceCRF(crf, masks)
            var (emissions, tags) = batch(lengths: lengths, steps: T, reference: reference, scale: 2, generator: &generator)
            for t in 0..<T { for b in 0..<B where t >= lengths[b] {
                tags[t * B + b] = t % 2 == 0 ? -1 : 99
                for j in 0..<masks.count { emissions[t * B + b, j] = Double(1000 * (j % 3)) - 700 }
            } }
            crf.zeroGradients()
            let together = crf.negativeLogLikelihood(emissions: emissions, tags: tags, lengths: lengths, reduction: .sum)
            let batchGradients = crf.parameters.map(\.gradient)
            let marginals = crf.marginals(emissions: emissions, lengths: lengths)
            let paths = crf.decode(emissions: emissions, lengths: lengths)

            crf.zeroGradients()
            var total = 0.0
            for b in 0..<B {
                let (e, y) = sentence(b, emissions: emissions, tags: tags, lengths: lengths)
                let alone = crf.negativeLogLikelihood(emissions: matrix(e), tags: y, lengths: [y.count], reduction: .sum)
                total += alone.loss
                let own = crf.marginals(emissions: matrix(e), lengths: [y.count])
                for t in 0..<y.count { for j in 0..<masks.count {
                    XCTAssertEqual(together.emissionsGradient[t * B + b, j], alone.emissionsGradient[t, j], "\(masks.name)")
                    XCTAssertEqual(marginals[t * B + b, j], own[t, j], "\(masks.name)")
                } }
                XCTAssertEqual(crf.decode(emissions: matrix(e), lengths: [y.count]), [paths[b]], "\(masks.name)")
                for t in y.count..<T { for j in 0..<masks.count {
                    XCTAssertEqual(together.emissionsGradient[t * B + b, j], 0, "\(masks.name): padded row")
                    XCTAssertEqual(marginals[t * B + b, j], 0, "\(masks.name): padded row")
                } }
            }
            XCTAssertEqual(together.loss, total, accuracy: 1e-12, masks.name)
            for (parameter, gradient) in zip(crf.parameters, batchGradients) {
                for i in 0..<gradient.count {
                    XCTAssertEqual(parameter.gradient.storage[i], gradient.storage[i], accuracy: 1e-12, parameter.name)
                }
            }
        }
    }

    /// A batch big enough to be split between threads (thousands of short sentences) gives what
    /// small batches that run on one thread give, in the same order: equal gradients and paths.
    func testLargeBatchesGiveWhatSmallBatchesGive() {
        let B = 6000, T = 3, piece = 100
        var generator = SeededGenerator(seed: 85)
        let masks = smallMasks
        let crf = masks.crf(generator: &generator, spread: 1)
        let lengths = (0..<B).map { _ in 1 + Int(generator.next() % UInt64(T)) }
        let (emissions, tags) = batch(lengths: lengths, steps: T, reference: BruteForceCRF(crf, masks), scale: 2,
                                      generator: &generator)
        crf.zeroGradients()
        let whole = crf.negativeLogLikelihood(emissions: emissions, tags: tags, lengths: lengths, reduction: .sum)
        let wholeGradients = crf.parameters.map(\.gradient)
        let marginals = crf.marginals(emissions: emissions, lengths: lengths)
        let paths = crf.decode(emissions: emissions, lengths: lengths)

        crf.zeroGradients()
        var total = 0.0
        for first in stride(from: 0, to: B, by: piece) {
            let part = first..<(first + piece)
            let rows = (0..<T).flatMap { t in part.map { t * B + $0 } }
            let partEmissions = Matrix(rows: T * piece, cols: 3,
                                       storage: rows.flatMap { row in (0..<3).map { emissions[row, $0] } })
            let partTags = rows.map { tags[$0] }, partLengths = Array(lengths[part])
            let result = crf.negativeLogLikelihood(emissions: partEmissions, tags: partTags, lengths: partLengths,
                                                   reduction: .sum)
            total += result.loss
            let partMarginals = crf.marginals(emissions: partEmissions, lengths: partLengths)
            for (index, row) in rows.enumerated() { for j in 0..<3 {
                XCTAssertEqual(result.emissionsGradient[index, j], whole.emissionsGradient[row, j], "row \(row)")
                XCTAssertEqual(partMarginals[index, j], marginals[row, j], "row \(row)")
            } }
            XCTAssertEqual(crf.decode(emissions: partEmissions, lengths: partLengths), Array(paths[part]))
        }
        XCTAssertEqual(whole.loss, total, accuracy: 1e-9)
        XCTAssertEqual(crf.parameters.map(\.gradient), wholeGradients, "summed in sentence order either way")
    }

    /// The Float path (fast exponential, the same kernels) agrees with Double.
    func testFloatAgreesWithDouble() {
        let lengths = [7, 3, 5, 1, 6], T = 7
        let masks = CRFMasks.bio(types: 4)
        var generator = SeededGenerator(seed: 90)
        let crf = masks.crf(generator: &generator, spread: 1)
        let reference = BruteForceCRF(crf, masks)
        let (emissions, tags) = batch(lengths: lengths, steps: T, reference: reference, scale: 3, generator: &generator)
        let single = LinearChainCRF<Float>(tagCount: 9, allowedTransitions: masks.transitions, allowedStart: masks.start,
                                           allowedEnd: masks.end, generator: &generator)
        for (target, source) in zip(single.parameters, crf.parameters) { target.value = Matrix(source.value) }

        crf.zeroGradients()
        single.zeroGradients()
        let double = crf.negativeLogLikelihood(emissions: emissions, tags: tags, lengths: lengths)
        let float = single.negativeLogLikelihood(emissions: Matrix(emissions), tags: tags, lengths: lengths)
        XCTAssertEqual(Double(float.loss), double.loss, accuracy: 1e-5 * abs(double.loss))
        func close(_ a: Matrix<Float>, _ b: Matrix<Double>, _ name: String) {
            XCTAssertEqual(a.count, b.count)
            for i in 0..<b.count { XCTAssertEqual(Double(a.storage[i]), b.storage[i], accuracy: 1e-5, "\(name) \(i)") }
        }
        close(float.emissionsGradient, double.emissionsGradient, "emissions")
        for (a, b) in zip(single.parameters, crf.parameters) { close(a.gradient, b.gradient, b.name) }
        close(single.marginals(emissions: Matrix(emissions), lengths: lengths),
              crf.marginals(emissions: emissions, lengths: lengths), "marginals")
        XCTAssertEqual(single.decode(emissions: Matrix(emissions), lengths: lengths),
                       crf.decode(emissions: emissions, lengths: lengths))

        // The fast exponential never returns 0 by itself (it clamps at e^−87.3): disallowed
        // entries must still be exactly zero.
        for i in 0..<9 {
            for j in 0..<9 where !masks.transitions[i][j] { XCTAssertEqual(single.transitions.gradient[i, j], 0) }
            if !masks.start[i] {
                XCTAssertEqual(single.startTransitions.gradient.storage[i], 0)
                for b in lengths.indices {
                    XCTAssertEqual(float.emissionsGradient[b, i], 0, "sentence \(b) starts on \(i)")
                }
            }
        }
    }

    // MARK: training

    /// Fixed emissions, SGD on the CRF's own parameters: the loss falls at every step and far
    /// overall, since the gold tags follow a pattern the transitions can learn.
    func testTrainingLowersTheLoss() {
        let masks = CRFMasks.bio(types: 2), lengths = [6, 4, 6, 5, 3, 6, 2, 6], B = 8, T = 6
        var generator = SeededGenerator(seed: 100)
        let crf = LinearChainCRF<Float>(tagCount: 5, allowedTransitions: masks.transitions, allowedStart: masks.start,
                                        allowedEnd: masks.end, generator: &generator)
        let emissions = Matrix<Float>.normal(rows: T * B, cols: 5, standardDeviation: 1, using: &generator)
        let pattern = [1, 2, 2, 0, 3, 4]   // B-X I-X I-X O B-Y I-Y
        var tags = [Int](repeating: -1, count: T * B)
        for b in 0..<B { for t in 0..<lengths[b] { tags[t * B + b] = pattern[t] } }
        var optimizer = SGD<Float>(learningRate: 0.5)
        var losses: [Float] = []
        for _ in 0..<60 {
            crf.zeroGradients()
            losses.append(crf.negativeLogLikelihood(emissions: emissions, tags: tags, lengths: lengths).loss)
            optimizer.step(crf.parameters)
        }
        for (step, pair) in zip(losses, losses.dropFirst()).enumerated() {
            XCTAssertLessThan(pair.1, pair.0 + 1e-6, "step \(step + 1)")
        }
        XCTAssertLessThan(losses.last!, 0.25 * losses.first!, "\(losses.first!) → \(losses.last!)")
    }
}
