import ArgumentParser
import Benchmarks
import Foundation
import Tensor

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure training and inference speed on the PyTorch anchor's workloads.",
        discussion: """
        Runs the workloads of ../shared/bench/torch_anchor.py on the same shapes and prints one JSON \
        object with the same keys (tokens per second, higher is better; *_ms keys are milliseconds, \
        lower is better), plus the effective GFLOP/s of each workload next to the machine's measured \
        sgemm peak. With --precision int8 only the inference workloads run (training is float32), \
        and their GFLOP/s stand next to the int8 product's measured peak. Use a release build:

          swift build -c release && .build/release/nlp bench
          .build/release/nlp bench --precision int8
          ../shared/bench/compare.sh        # side by side with PyTorch, as ratios
        """)

    @OptionGroup var runtime: RuntimeArguments
    @OptionGroup var precision: PrecisionArgument

    @Option(help: "Timed iterations per workload (default: the anchor's, 5 to 20 depending on the workload).")
    var iterations: Int?

    @Option(help: "Run only the workloads whose key contains this text (e.g. 'infer').")
    var workload: String?

    /// The keys this command reports, as `../shared/bench/torch_anchor.py` names them.
    static let keys = [
        "lstm_train_tok_s", "bilstm_tag_train_tok_s", "bilstm_tag_infer_tok_s",
        "s2s_train_tgt_tok_s", "s2s_greedy_tgt_tok_s", "s2s_greedy_b1_ms",
    ]

    /// The keys of the workloads that run at `precision`: training runs in float32 only.
    static func keys(at precision: InferencePrecision) -> [String] {
        precision == .f32 ? keys : keys.filter { !$0.contains("train") }
    }

    func validate() throws {
        let keys = Self.keys(at: precision.precision)
        if let workload, !keys.contains(where: { $0.contains(workload) }) {
            if precision.precision != .f32, Self.keys.contains(where: { $0.contains(workload) }) {
                throw ValidationError("'\(workload)' is a training workload, and training runs in float32; at --precision \(precision.precision.rawValue) the workloads are \(keys.joined(separator: ", "))")
            }
            throw ValidationError("no workload matches '\(workload)'; the workloads are \(Self.keys.joined(separator: ", "))")
        }
        guard (iterations ?? 1) >= 1 else { throw ValidationError("--iterations must be at least 1") }
    }

    func run() throws {
        runtime.configure(precision: precision)
        var results: [(String, Double)] = []
        var details: [String] = []
        var peak = SgemmPeak.measure()
        details.append(String(format: "sgemm peak (1024³): %.1f GFLOP/s", peak))
        if precision.precision != .f32 {
            peak = SgemmPeak.measurePacked()
            details.append(String(format: "%@ product peak (1024³, x converted each time): %.1f GFLOP/s",
                                  precision.precision.rawValue, peak))
        }
        // Models are built only for the workloads asked for.
        let keys = Self.keys(at: precision.precision)
        let selected = { (key: String) in keys.contains(key) && (self.workload.map(key.contains) ?? true) }
        var workloads: [Workload] = []
        if selected("lstm_train_tok_s") { workloads.append(LanguageModelWorkload.make()) }
        if Self.keys[1...2].contains(where: selected) {
            let tagger = TaggerWorkload.make()
            workloads += [tagger.train, tagger.infer]
        }
        if Self.keys[3...5].contains(where: selected) {
            let translator = TranslatorWorkload.make()
            workloads += [translator.train, translator.greedy, translator.greedyBatchOne]
            details.append("s2s translator: \(translator.parameterCount) parameters (torch_anchor.py's S2S: 15842624)")
        }
        for workload in workloads where selected(workload.key) {
            let seconds = workload.secondsPerIteration(iterations: iterations)
            results.append((workload.key, workload.figure(secondsPerIteration: seconds)))
            details.append(String(format: "%@: %.1f ms/iteration, %.1f GFLOP/s effective (%.0f%% of peak)",
                                  workload.key, seconds * 1000, workload.flops / seconds / 1e9,
                                  100 * workload.flops / seconds / 1e9 / peak))
        }
        for line in details { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        let json = results.map { String(format: "\"%@\": %.2f", $0.0, $0.1) }.joined(separator: ", ")
        print("{\(json)}")
    }
}
