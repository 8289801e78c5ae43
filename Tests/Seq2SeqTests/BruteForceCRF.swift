import Foundation
import Seq2Seq

/// The definitions evaluated on every allowed tag sequence, one by one.
struct BruteForceCRF {
    let start: [Double], end: [Double], transitions: [[Double]]
    let masks: CRFMasks

    init(_ crf: LinearChainCRF<Double>, _ masks: CRFMasks) {
        let C = masks.count
        start = crf.startTransitions.value.storage
        end = crf.endTransitions.value.storage
        transitions = (0..<C).map { i in (0..<C).map { crf.transitions.value[i, $0] } }
        self.masks = masks
    }

    var count: Int { masks.count }

    /// Every allowed sequence of `length` tags.
    func sequences(length: Int) -> [[Int]] {
        var all: [[Int]] = [[]]
        for _ in 0..<length { all = all.flatMap { prefix in (0..<count).map { prefix + [$0] } } }
        return all.filter { y in
            masks.start[y[0]] && masks.end[y[y.count - 1]]
                && zip(y, y.dropFirst()).allSatisfy { masks.transitions[$0.0][$0.1] }
        }
    }

    /// s(y) = start[y_1] + Σ e_t[y_t] + Σ trans[y_{t−1}, y_t] + end[y_L]
    func score(_ y: [Int], _ e: [[Double]]) -> Double {
        var s = start[y[0]] + end[y[y.count - 1]]
        for t in y.indices { s += e[t][y[t]] + (t > 0 ? transitions[y[t - 1]][y[t]] : 0) }
        return s
    }

    func logPartition(_ e: [[Double]]) -> Double {
        let scores = sequences(length: e.count).map { score($0, e) }
        let m = scores.max()!
        return m + Foundation.log(scores.reduce(0) { $0 + Foundation.exp($1 - m) })
    }

    func best(_ e: [[Double]]) -> [Int] {
        sequences(length: e.count).max { score($0, e) < score($1, e) }!
    }

    /// p(y_t = j) = Σ_{y: y_t = j} exp(s(y) − log Z)
    func marginals(_ e: [[Double]]) -> [[Double]] {
        let logZ = logPartition(e)
        var p = Array(repeating: Array(repeating: 0.0, count: count), count: e.count)
        for y in sequences(length: e.count) {
            let probability = Foundation.exp(score(y, e) - logZ)
            for t in y.indices { p[t][y[t]] += probability }
        }
        return p
    }
}
