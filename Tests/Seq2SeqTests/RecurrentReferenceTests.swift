import NLPTestSupport
import Seq2Seq
import Tensor
import XCTest

/// Recurrent layers against PyTorch on the same weights and inputs: outputs, final states and every
/// gradient (input, initial states, weights) of L = Σ out ⊙ G_out + Σ h_n ⊙ G_h (+ Σ c_n ⊙ G_c).
final class RecurrentReferenceTests: XCTestCase {
    /// |ours − torch| ≤ tolerance · max(|torch|, 1): relative for entries of magnitude ≥ 1, absolute below.
    let tolerance: Float = 1e-5

    func testAllCellsMatchPyTorch() throws {
        for name in RecurrentFixture.allNames {
            let fixture = try RecurrentFixture.load(name)
            guard let kind = CellKind(rawValue: fixture.cell) else {
                XCTFail("unknown cell \(fixture.cell) in \(name)")
                continue
            }
            if let error = kind.withCell(CheckAgainstFixture(test: self, fixture: fixture)) { throw error }
        }
    }

    /// `check` with the concrete cell of a fixture's kind.
    struct CheckAgainstFixture: CellBody {
        let test: RecurrentReferenceTests
        let fixture: RecurrentFixture
        func callAsFunction<Cell: RecurrentCell>(_ cell: Cell) -> Error? {
            do { try test.check(fixture, cell: cell) } catch { return error }
            return nil
        }
    }

    func check<Cell: RecurrentCell>(_ fixture: RecurrentFixture, cell: Cell) throws {
        var generator = SeededGenerator(seed: 1)
        if fixture.bidirectional {
            let stack = RecurrentStack(count: fixture.numLayers, inputSize: fixture.inputSize, generator: &generator) {
                Bidirectional<Cell, Float>(cell: cell, inputSize: $0, hiddenSize: fixture.hiddenSize,
                                           layerIndex: $1, generator: &$2)
            }
            try compare(stack, fixture)
        } else {
            let stack = RecurrentStack(count: fixture.numLayers, inputSize: fixture.inputSize, generator: &generator) {
                Recurrent<Cell, Float>(cell: cell, inputSize: $0, hiddenSize: fixture.hiddenSize,
                                       suffix: "_l\($1)", generator: &$2)
            }
            try compare(stack, fixture)
        }
    }

    func compare<Layer: SequenceLayer>(_ stack: RecurrentStack<Layer>, _ fixture: RecurrentFixture) throws
        where Layer.Scalar == Float
    {
        let name = fixture.name
        XCTAssertEqual(Set(stack.parameters.map(\.name)), Set(fixture.weights.keys), "\(name): parameter names")
        for parameter in stack.parameters {
            let weight = try XCTUnwrap(fixture.weights[parameter.name], "\(name): \(parameter.name)")
            XCTAssertEqual(weight.shape, parameter.shape, "\(name): \(parameter.name) shape")
            parameter.value.storage = weight.data
        }
        let T = fixture.maxLen, B = fixture.batch
        let input = Matrix(rows: T * B, cols: fixture.inputSize, storage: fixture.input.data)
        let initial = fixture.states(h: fixture.h0, c: fixture.c0)
        let (output, finals, cache) = stack.forward(input, lengths: fixture.lengths, initialStates: initial)

        assertClose(output.storage, fixture.output.data, "\(name): output")
        let expectedFinals = fixture.states(h: fixture.hN, c: fixture.cN)
        for (ours, theirs) in zip(finals, expectedFinals) {
            assertClose(ours.storage, theirs.storage, "\(name): final state")
        }

        let outputGradient = Matrix(rows: T * B, cols: output.cols, storage: fixture.gradOutput.data)
        let finalGradients = fixture.states(h: fixture.gradHN, c: fixture.gradCN)
        stack.zeroGradients()
        let (inputGradient, initialGradients) = stack.backward(
            outputGradient: outputGradient, finalStateGradients: finalGradients, cache: cache)

        assertClose(inputGradient.storage, try XCTUnwrap(fixture.grads["input"]).data, "\(name): ∂input")
        let expectedInitial = fixture.states(h: try XCTUnwrap(fixture.grads["h0"]), c: fixture.grads["c0"])
        for (ours, theirs) in zip(initialGradients, expectedInitial) {
            assertClose(ours.storage, theirs.storage, "\(name): ∂initial state")
        }
        for parameter in stack.parameters {
            let expected = try XCTUnwrap(fixture.grads[parameter.name], "\(name): ∂\(parameter.name)")
            assertClose(parameter.gradient.storage, expected.data, "\(name): ∂\(parameter.name)")
        }
    }

    func assertClose(_ ours: [Float], _ theirs: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(ours.count, theirs.count, "\(what): sizes", file: file, line: line)
        var worst: Float = 0
        for (a, b) in zip(ours, theirs) { worst = worse(worst, abs(a - b) / max(abs(b), 1)) }
        XCTAssertFalse(worst.isNaN, "\(what): NaN", file: file, line: line)
        XCTAssertLessThanOrEqual(worst, tolerance, "\(what): worst error \(worst)", file: file, line: line)
    }
}
