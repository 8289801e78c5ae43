import Foundation
import Seq2Seq
import Tensor
import XCTest

/// SGD, Adam and AdamW against torch.optim on the same parameter, gradients and learning rates
/// (`Scripts/reference/make_optimizer_fixtures.py`), plus exporting and restoring their state.
final class OptimizerTests: XCTestCase {
    /// Float against float32 PyTorch: |ours − torch| ≤ 1e-6 · max(|torch|, 1e-3). (The optimizers
    /// round where PyTorch's kernels round, and matched the committed fixture bit for bit when written;
    /// the tolerance leaves room for a libm whose `pow` differs in the last bit.)
    let floatTolerance = 1e-6
    /// Double against float64 PyTorch: the same formula, to 1e-12 (catches, e.g., ε added before
    /// the bias correction of √v, which float32 can hide).
    let doubleTolerance = 1e-12

    func testFloatOptimizersMatchPyTorch() throws {
        let fixture = try OptimizerFixture.load()
        XCTAssertEqual(fixture.optimizers.count, 10)
        for testCase in fixture.optimizers {
            try check(testCase, fixture: fixture, Float.self, expected: testCase.float32, tolerance: floatTolerance)
        }
    }

    func testDoubleOptimizersMatchPyTorch() throws {
        let fixture = try OptimizerFixture.load()
        for testCase in fixture.optimizers {
            try check(testCase, fixture: fixture, Double.self, expected: testCase.float64, tolerance: doubleTolerance)
        }
    }

    func check<Scalar: TensorScalar>(
        _ testCase: OptimizerFixture.OptimizerCase, fixture: OptimizerFixture, _: Scalar.Type,
        expected: OptimizerFixture.Run, tolerance: Double
    ) throws {
        switch testCase.kind {
        case "sgd":
            var optimizer = SGD<Scalar>(learningRate: testCase.lrs[0], momentum: try XCTUnwrap(testCase.momentum),
                                        nesterov: try XCTUnwrap(testCase.nesterov), weightDecay: testCase.weightDecay)
            try run(&optimizer, testCase, fixture: fixture, expected: expected, tolerance: tolerance)
        case "adam":
            let betas = try XCTUnwrap(testCase.betas)
            var optimizer = Adam<Scalar>(learningRate: testCase.lrs[0], beta1: betas[0], beta2: betas[1],
                                         epsilon: try XCTUnwrap(testCase.eps), weightDecay: testCase.weightDecay)
            try run(&optimizer, testCase, fixture: fixture, expected: expected, tolerance: tolerance)
        case "adamw":
            let betas = try XCTUnwrap(testCase.betas)
            var optimizer = AdamW<Scalar>(learningRate: testCase.lrs[0], beta1: betas[0], beta2: betas[1],
                                          epsilon: try XCTUnwrap(testCase.eps), weightDecay: testCase.weightDecay)
            try run(&optimizer, testCase, fixture: fixture, expected: expected, tolerance: tolerance)
        default:
            XCTFail("unknown optimizer kind \(testCase.kind)")
        }
    }

    /// Runs the fixture's steps (setting each step's learning rate first) and compares the parameter
    /// after every step and the state after the last with PyTorch's.
    func run<O: Optimizer>(
        _ optimizer: inout O, _ testCase: OptimizerFixture.OptimizerCase, fixture: OptimizerFixture,
        expected: OptimizerFixture.Run, tolerance: Double
    ) throws {
        let what = "\(testCase.name) (\(O.Scalar.self))"
        let parameter = fixture.makeParameter(O.Scalar.self)
        XCTAssertEqual(expected.params.count, fixture.gradients.count)
        for (step, learningRate) in testCase.lrs.enumerated() {
            optimizer.learningRate = learningRate
            parameter.gradient = fixture.gradient(step, O.Scalar.self)
            optimizer.step([parameter])
            assertClose(parameter.value.storage, expected.params[step], tolerance: tolerance, "\(what) step \(step + 1)")
        }
        XCTAssertEqual(optimizer.state.stepCount, testCase.lrs.count)
        // State: PyTorch's state_dict entries, by our naming "<parameter>.<slot>".
        let tensors = optimizer.state.tensors
        var expectedNames: Set<String> = ["weight.step"]
        for (slot, values) in expected.state {
            if slot == "step" {
                XCTAssertEqual(tensors["weight.step"]?.storage.map { Double($0) }, values, "\(what): step")
                continue
            }
            expectedNames.insert("weight.\(slot)")
            let ours = try XCTUnwrap(tensors["weight.\(slot)"], "\(what): no \(slot)")
            XCTAssertEqual([ours.rows, ours.cols], fixture.shape, "\(what): \(slot) shape")
            assertClose(ours.storage, values, tolerance: tolerance, "\(what): \(slot)")
        }
        XCTAssertEqual(Set(tensors.keys), expectedNames, "\(what): state names")
    }

    /// Interrupting after 3 steps, exporting the state and restoring it into a new optimizer gives
    /// exactly the uninterrupted run, for every optimizer and through a safetensors file.
    func testExportedStateResumesExactly() throws {
        let fixture = try OptimizerFixture.load()
        for testCase in fixture.optimizers {
            let betas = testCase.betas ?? [0.9, 0.999]
            switch testCase.kind {
            case "sgd":
                let make = { SGD<Float>(learningRate: testCase.lrs[0], momentum: testCase.momentum ?? 0,
                                        nesterov: testCase.nesterov ?? false, weightDecay: testCase.weightDecay) }
                try checkResume(make, testCase, fixture)
            case "adam":
                let make = { Adam<Float>(learningRate: testCase.lrs[0], beta1: betas[0], beta2: betas[1],
                                         epsilon: testCase.eps ?? 1e-8, weightDecay: testCase.weightDecay) }
                try checkResume(make, testCase, fixture)
            default:
                let make = { AdamW<Float>(learningRate: testCase.lrs[0], beta1: betas[0], beta2: betas[1],
                                          epsilon: testCase.eps ?? 1e-8, weightDecay: testCase.weightDecay) }
                try checkResume(make, testCase, fixture)
            }
        }
    }

    func checkResume<O: Optimizer>(
        _ make: () -> O, _ testCase: OptimizerFixture.OptimizerCase, _ fixture: OptimizerFixture
    ) throws where O.Scalar == Float {
        // Uninterrupted run.
        var straight = make()
        let reference = fixture.makeParameter(Float.self)
        for step in 0..<5 {
            straight.learningRate = testCase.lrs[step]
            reference.gradient = fixture.gradient(step, Float.self)
            straight.step([reference])
        }
        // Three steps, then a checkpoint of the parameter and the optimizer state.
        var first = make()
        let parameter = fixture.makeParameter(Float.self)
        for step in 0..<3 {
            first.learningRate = testCase.lrs[step]
            parameter.gradient = fixture.gradient(step, Float.self)
            first.step([parameter])
        }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("optimizer-state-\(testCase.name)-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let exported = first.state.tensors
        try SafeTensors(
            tensors: exported.keys.sorted().map { name in
                let m = exported[name]!
                return SafeTensors.Tensor(name: name, shape: [m.rows, m.cols], values: m)
            },
            metadata: ["step_count": String(first.state.stepCount)]
        ).write(to: url)

        // A new optimizer and a parameter restored from the file.
        let file = try SafeTensors(contentsOf: url)
        var resumed = make()
        let restoredParameter = fixture.makeParameter(Float.self)
        restoredParameter.value = parameter.value
        var tensors: [String: Matrix<Float>] = [:]
        for tensor in file.tensors { tensors[tensor.name] = tensor.values }
        try resumed.state.restore(stepCount: Int(file.metadata["step_count"] ?? "") ?? -1, tensors: tensors,
                                  parameters: [restoredParameter])
        XCTAssertEqual(resumed.state, first.state, "\(testCase.name): restored state")
        for step in 3..<5 {
            resumed.learningRate = testCase.lrs[step]
            restoredParameter.gradient = fixture.gradient(step, Float.self)
            resumed.step([restoredParameter])
        }
        XCTAssertEqual(restoredParameter.value.storage, reference.value.storage, "\(testCase.name): resumed run")
        XCTAssertEqual(resumed.state, straight.state, "\(testCase.name): resumed state")
        XCTAssertEqual(resumed.state.stepCount, 5)
    }

    func testRestoreRejectsMismatchedState() throws {
        let weight = Parameter(name: "weight", value: Matrix<Float>(rows: 2, cols: 3, repeating: 1))
        let bias = Parameter(name: "bias", value: Matrix<Float>(rows: 1, cols: 3, repeating: 1), shape: [3])
        var adam = Adam<Float>(learningRate: 0.1)
        for p in [weight, bias] { p.gradient = Matrix(rows: p.value.rows, cols: p.value.cols, repeating: 0.5) }
        adam.step([weight, bias])
        let good = adam.state.tensors
        XCTAssertEqual(Set(good.keys), ["weight.step", "weight.exp_avg", "weight.exp_avg_sq",
                                        "bias.step", "bias.exp_avg", "bias.exp_avg_sq"])
        let before = adam.state

        func expectError(_ tensors: [String: Matrix<Float>], _ expected: OptimizerStateError,
                         line: UInt = #line) {
            var target = adam
            XCTAssertThrowsError(try target.state.restore(stepCount: 1, tensors: tensors, parameters: [weight, bias]),
                                 line: line) { error in
                XCTAssertEqual(error as? OptimizerStateError, expected, line: line)
                XCTAssertFalse("\(error)".isEmpty, line: line)
            }
            XCTAssertEqual(target.state, before, "state changed by a failed restore", line: line)
        }

        var missing = good
        missing["bias.exp_avg_sq"] = nil
        expectError(missing, .nameMismatch(missing: ["bias.exp_avg_sq"], unexpected: []))

        var extra = good
        extra["decoder.weight.exp_avg"] = Matrix(rows: 2, cols: 3)
        expectError(extra, .nameMismatch(missing: [], unexpected: ["decoder.weight.exp_avg"]))

        var wrongShape = good
        wrongShape["weight.exp_avg"] = Matrix(rows: 3, cols: 2)
        expectError(wrongShape, .shapeMismatch(tensor: "weight.exp_avg", expected: [2, 3], found: [3, 2]))

        var badStep = good
        badStep["bias.step"] = Matrix(rows: 1, cols: 1, storage: [1.5])
        expectError(badStep, .invalidStep(parameter: "bias", 1.5))

        var target = adam
        XCTAssertThrowsError(try target.state.restore(stepCount: -1, tensors: good, parameters: [weight, bias]))

        // An SGD state holds no momentum buffer without momentum, and Adam's names are foreign to it.
        var sgd = SGD<Float>(learningRate: 0.1)
        sgd.step([weight])
        XCTAssertEqual(Set(sgd.state.tensors.keys), ["weight.step"])
        XCTAssertThrowsError(try sgd.state.restore(stepCount: 1, tensors: good, parameters: [weight, bias]))

        // Restoring the good tensors works, and an empty state resets.
        var fresh = Adam<Float>(learningRate: 0.1)
        try fresh.state.restore(stepCount: 1, tensors: good, parameters: [weight, bias])
        XCTAssertEqual(fresh.state, adam.state)
        try fresh.state.restore(stepCount: 0, tensors: [:], parameters: [weight, bias])
        XCTAssertTrue(fresh.state.isEmpty)
    }

    /// Bias correction uses each parameter's own step count (PyTorch's per-parameter `state['step']`):
    /// a parameter first updated at step 3 moves as a fresh Adam would move it.
    func testParameterJoiningLaterGetsItsOwnStepCount() {
        let a = Parameter(name: "a", value: Matrix<Double>(rows: 1, cols: 2, storage: [1, -1]))
        let b = Parameter(name: "b", value: Matrix<Double>(rows: 1, cols: 2, storage: [0.5, 2]))
        let bAlone = Parameter(name: "b", value: b.value)
        a.gradient = Matrix(rows: 1, cols: 2, storage: [0.3, -0.2])
        b.gradient = Matrix(rows: 1, cols: 2, storage: [0.7, 0.1])
        bAlone.gradient = b.gradient
        var shared = Adam<Double>(learningRate: 0.1)
        shared.step([a])
        shared.step([a])
        shared.step([a, b])
        var alone = Adam<Double>(learningRate: 0.1)
        alone.step([bAlone])
        XCTAssertEqual(b.value.storage, bAlone.value.storage)
        XCTAssertEqual(shared.state.step(of: "a"), 3)
        XCTAssertEqual(shared.state.step(of: "b"), 1)
        XCTAssertEqual(shared.state.stepCount, 3)
        // Adam's first step moves every entry by η (m̂/√v̂ = ±1), whatever the gradient's scale.
        XCTAssertEqual(bAlone.value.storage[0], 0.4, accuracy: 1e-7)
        XCTAssertEqual(bAlone.value.storage[1], 1.9, accuracy: 1e-7)
    }

    /// The kernels work in chunks and vector lanes: a parameter of 1,543 entries (several chunks
    /// and a ragged tail) must move exactly as 1,543 one-entry parameters do.
    func testLargeParameterMatchesEntryByEntryUpdates() {
        func check<O: Optimizer>(_ make: () -> O) where O.Scalar == Float {
            var generator = SeededGenerator(seed: 11)
            let n = 1543
            let big = Parameter(name: "big", value: Matrix<Float>.normal(rows: 1, cols: n, standardDeviation: 1, using: &generator))
            let singles = (0..<n).map { Parameter(name: "e\($0)", value: Matrix<Float>(rows: 1, cols: 1, storage: [big.value.storage[$0]])) }
            var whole = make(), split = make()
            for step in 0..<4 {
                big.gradient = .normal(rows: 1, cols: n, standardDeviation: step == 2 ? 0.01 : 1, using: &generator)
                for (i, single) in singles.enumerated() { single.gradient.storage[0] = big.gradient.storage[i] }
                whole.learningRate *= 0.9
                split.learningRate *= 0.9
                whole.step([big])
                split.step(singles)
            }
            XCTAssertEqual(big.value.storage, singles.map { $0.value.storage[0] }, "\(O.self)")
            XCTAssertEqual(whole.state.slot(whole.state.slotNames.last ?? "", of: "big")?.storage ?? [],
                           singles.flatMap { split.state.slot(split.state.slotNames.last ?? "", of: $0.name)?.storage ?? [] },
                           "\(O.self) state")
        }
        check { SGD<Float>(learningRate: 0.1) }
        check { SGD<Float>(learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01) }
        check { SGD<Float>(learningRate: 0.1, momentum: 0.5) }
        check { Adam<Float>(learningRate: 0.01) }
        check { Adam<Float>(learningRate: 0.01, beta1: 0.3, weightDecay: 0.1) }
        check { AdamW<Float>(learningRate: 0.01, weightDecay: 0.2) }
    }

    /// Adam's update runs on several threads for large parameters (blocks of at least 65,536
    /// entries each): a parameter of 200,003 entries must move exactly as its two halves do, each
    /// updated on one thread.
    func testThreadedAdamMatchesHalves() {
        func check<O: Optimizer>(_ make: () -> O) where O.Scalar == Float {
            var generator = SeededGenerator(seed: 12)
            let n = 200_003, half = 100_001
            let big = Parameter(name: "big", value: Matrix<Float>.normal(rows: 1, cols: n, standardDeviation: 1, using: &generator))
            let left = Parameter(name: "left", value: Matrix<Float>(rows: 1, cols: half, storage: Array(big.value.storage[..<half])))
            let right = Parameter(name: "right", value: Matrix<Float>(rows: 1, cols: n - half, storage: Array(big.value.storage[half...])))
            var whole = make(), split = make()
            for step in 0..<3 {
                big.gradient = .normal(rows: 1, cols: n, standardDeviation: step == 1 ? 0.01 : 1, using: &generator)
                left.gradient.storage = Array(big.gradient.storage[..<half])
                right.gradient.storage = Array(big.gradient.storage[half...])
                whole.step([big])
                split.step([left, right])
            }
            XCTAssertEqual(big.value.storage, left.value.storage + right.value.storage, "\(O.self)")
        }
        check { Adam<Float>(learningRate: 0.01) }
        check { Adam<Float>(learningRate: 0.01, beta1: 0.3, weightDecay: 0.1) }
        check { AdamW<Float>(learningRate: 0.01, weightDecay: 0.2) }
    }

    func assertClose(_ ours: [some BinaryFloatingPoint], _ theirs: [Double], tolerance: Double, _ what: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(ours.count, theirs.count, "\(what): sizes", file: file, line: line)
        var worst = 0.0, worstIndex = 0
        for (i, (a, b)) in zip(ours, theirs).enumerated() {
            let error = abs(Double(a) - b) / max(abs(b), 1e-3)
            if !(error <= worst) { worst = error; worstIndex = i }
        }
        XCTAssertLessThanOrEqual(worst, tolerance,
                                 "\(what): worst relative error \(worst) at \(worstIndex) (ours \(Double(ours[worstIndex])), torch \(theirs[worstIndex]))",
                                 file: file, line: line)
    }
}
