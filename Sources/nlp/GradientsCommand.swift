import ArgumentParser
import FileIO
import Foundation
import Pipeline
import Seq2Seq

/// `nlp gradients`: the vanishing (and exploding) gradient, measured and drawn (`GradientFlow`).
struct GradientsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradients",
        abstract: "Show how far back a gradient reaches in a vanilla RNN, an LSTM and a GRU.",
        discussion: """
            One recurrent layer per cell kind, with PyTorch's initialisation, runs over --steps steps \\
            of random inputs; the loss is on the last step only. Backpropagation through time multiplies \\
            the gradient by one Jacobian per step, so ‖∂L/∂h_t‖ shrinks (or grows) with the distance \\
            from the loss. Printed per cell: the ratio ‖∂L/∂h_0‖ / ‖∂L/∂h_T‖ and the norm every few \\
            steps (geometric mean over --samples random batches); --svg draws them on a log scale.

            Examples:
              $ nlp gradients --steps 30 --svg gradients30.svg
              $ nlp gradients --cell rnn_tanh --recurrent-scale 3 --steps 30     (an exploding gradient)
              $ nlp gradients --cell lstm --forget-bias 3 --steps 100
            """)

    @Option(help: ArgumentHelp("Cell kinds, comma-separated: \(CellKind.allCases.map(\.rawValue).joined(separator: ", ")).",
                               valueName: "cells"))
    var cell = "rnn_tanh,lstm,gru"

    @Option(help: "Time steps; the loss is on the last.")
    var steps = 30

    @Option(help: "Hidden units.")
    var hidden = 64

    @Option(help: "Input width (inputs are N(0, 1)).")
    var input = 32

    @Option(help: "Sequences per batch.")
    var batch = 16

    @Option(help: "Random batches; the norms are their geometric mean.")
    var samples = 5

    @Option(help: "W_hh is PyTorch's U(−1/√H, 1/√H) times this (above about 1.7 a tanh RNN's gradient explodes).")
    var recurrentScale = 1.0

    @Option(help: "The LSTM's forget-gate bias (b_if + b_hf); PyTorch's initialisation when omitted.")
    var forgetBias: Double?

    @Option(help: "Seed of the weights and inputs.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Draw ‖∂L/∂h_t‖ against t for every cell in this SVG file.", valueName: "file.svg"))
    var svg: String?

    @Flag(help: "Print JSON: per cell the norms for every step and the ratio.")
    var json = false

    func cells() throws -> [CellKind] {
        try cell.split(separator: ",", omittingEmptySubsequences: false).map {
            let name = $0.trimmingCharacters(in: .whitespaces)
            guard let kind = CellKind(rawValue: name) else {
                throw ValidationError("--cell: '\(name)' is not a cell kind (\(CellKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return kind
        }
    }

    func flow(_ kind: CellKind) -> GradientFlow {
        var flow = GradientFlow(cell: kind, steps: steps)
        flow.hiddenSize = hidden
        flow.inputSize = input
        flow.batch = batch
        flow.samples = samples
        flow.recurrentScale = recurrentScale
        flow.forgetGateBias = forgetBias
        flow.seed = seed
        return flow
    }

    func validate() throws {
        let kinds = try cells()
        if let problem = flow(kinds[0]).problem { throw ValidationError(problem) }
        if Set(kinds).count != kinds.count { throw ValidationError("--cell names a cell kind twice") }
    }

    func run() throws {
        if let svg { try OutputFile.checkWritable(svg, what: "the picture") }
        let measured = try cells().map { (kind: $0, norms: flow($0).norms()) }
        if json {
            print(try CanonicalJSON.string(measured.map { CellGradients(kind: $0.kind, norms: $0.norms) }))
        } else {
            let shown = Array(Set(stride(from: 0, to: steps, by: max(1, steps / 6)).map { $0 } + [steps - 1])).sorted()
            print("‖∂L/∂h_t‖ for a loss on step \(steps - 1) (hidden \(hidden), W_hh scale \(recurrentScale)"
                  + (forgetBias.map { ", forget bias \($0)" } ?? "") + ", mean of \(samples) batches of \(batch))")
            print(["cell".padding(toLength: 9, withPad: " ", startingAt: 0), "h_0/h_T".padding(toLength: 9, withPad: " ", startingAt: 0)]
                  .joined(separator: " ") + shown.map { " t=\($0)".padding(toLength: 9, withPad: " ", startingAt: 0) }.joined())
            for (kind, norms) in measured {
                print(kind.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0) + " "
                      + Self.scientific(GradientFlow.ratio(norms)).padding(toLength: 9, withPad: " ", startingAt: 0)
                      + shown.map { " " + Self.scientific(norms[$0]).padding(toLength: 8, withPad: " ", startingAt: 0) }.joined())
            }
        }
        if let svg {
            let picture = GradientFlowPicture(
                series: measured.map { .init(label: $0.kind.rawValue, norms: $0.norms) },
                title: "How far back the gradient reaches: \(steps) steps, hidden \(hidden)"
                    + (recurrentScale == 1 ? "" : ", W_hh ×\(recurrentScale)") + (forgetBias.map { ", forget bias \($0)" } ?? ""))
            try AtomicFile.write(Array(picture.svg().utf8), to: svg)
            if !json { print("wrote \(svg)") }
        }
    }

    static func scientific(_ value: Double) -> String {
        value.isFinite ? String(format: "%.1e", value) : "\(value)"
    }

    /// A cell's line of --json: {"cell", "ratio", "norms"}, null for a norm or ratio that is not finite.
    struct CellGradients: Encodable {
        let cell: String
        let ratio: Double?
        let norms: [Double?]

        init(kind: CellKind, norms: [Double]) {
            cell = kind.rawValue
            let ratio = GradientFlow.ratio(norms)
            self.ratio = ratio.isFinite ? ratio : nil
            self.norms = norms.map { $0.isFinite ? $0 : nil }
        }
    }
}
