import Seq2Seq
import Tensor

/// Which transitions, starts and ends are allowed.
struct CRFMasks {
    var transitions: [[Bool]]
    var start: [Bool]
    var end: [Bool]
    var name = "constrained"

    var count: Int { start.count }

    static func free(_ C: Int) -> CRFMasks {
        CRFMasks(transitions: Array(repeating: Array(repeating: true, count: C), count: C),
                 start: Array(repeating: true, count: C), end: Array(repeating: true, count: C), name: "free \(C)")
    }

    /// BIO masks for `types` entity types: tag 0 is O, 2k + 1 is B-k, 2k + 2 is I-k; I-k only after
    /// B-k or I-k, never first.
    static func bio(types: Int) -> CRFMasks {
        let C = 1 + 2 * types
        var transitions = Array(repeating: Array(repeating: true, count: C), count: C)
        var start = Array(repeating: true, count: C)
        for k in 0..<types {
            let inside = 2 * k + 2
            start[inside] = false
            for i in 0..<C where i != inside - 1 && i != inside { transitions[i][inside] = false }
        }
        return CRFMasks(transitions: transitions, start: start, end: Array(repeating: true, count: C), name: "BIO \(C)")
    }

    /// A CRF with these masks and, with `spread`, parameters N(0, spread²) so that they matter.
    func crf(generator: inout SeededGenerator, spread: Double? = nil) -> LinearChainCRF<Double> {
        let crf = LinearChainCRF<Double>(tagCount: count, allowedTransitions: transitions, allowedStart: start,
                                         allowedEnd: end, generator: &generator)
        if let spread {
            for parameter in crf.parameters {
                parameter.value = .normal(rows: parameter.value.rows, cols: parameter.value.cols,
                                          standardDeviation: spread, using: &generator)
            }
        }
        return crf
    }
}
