import Foundation
import Tensor

/// Draws the next token from a distribution, as `nlp generate` does: temperature, then top-k, then
/// top-p (nucleus, Holtzman et al. 2020), then a seeded draw.
///
///     p_T(v) ∝ p(v)^(1/T)                         (T → 0: the most probable token)
///     top-k: keep the k most probable             top-p: keep the fewest most probable tokens whose
///                                                  mass reaches p (at least one)
///
/// Tokens given probability 0 (e.g. `<pad>`, `<s>`) are never drawn. Ties are broken by the lower id,
/// so a seed gives the same tokens on every machine.
public struct TokenSampler: Sendable {
    public var temperature: Double
    public var topK: Int?
    public var topP: Double?
    var generator: SeededGenerator

    public init(temperature: Double = 1, topK: Int? = nil, topP: Double? = nil, seed: UInt64) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        generator = SeededGenerator(seed: seed)
    }

    /// What is wrong with the settings, phrased with the options' names, or nil.
    public var problem: String? {
        if !(temperature >= 0 && temperature.isFinite) { return "--temperature must be a number ≥ 0" }
        if let topK, topK < 1 { return "--top-k must be at least 1" }
        if let topP, !(topP > 0 && topP <= 1) { return "--top-p must be in (0, 1]" }
        return nil
    }

    /// The ids of positive, finite probabilities, most probable first (ties by id): what `complete`
    /// lists and sampling draws from.
    public static func ranked(_ probabilities: [Double]) -> [(id: Int, probability: Double)] {
        probabilities.enumerated().filter { $0.element > 0 && $0.element.isFinite }
            .sorted { $0.element != $1.element ? $0.element > $1.element : $0.offset < $1.offset }
            .map { (id: $0.offset, probability: $0.element) }
    }

    /// The tokens that may be drawn, most probable first, with their renormalised probabilities.
    public func candidates(_ probabilities: [Double]) -> [(id: Int, probability: Double)] {
        var ranked = Self.ranked(probabilities)
        guard let best = ranked.first else { return [] }
        if temperature == 0 { return [(best.id, 1)] }
        if temperature != 1 {   // p^(1/T), relative to the largest, so nothing overflows
            ranked = ranked.map { ($0.id, Foundation.exp((Foundation.log($0.probability) - Foundation.log(best.probability)) / temperature)) }
        }
        if let topK { ranked = Array(ranked.prefix(topK)) }
        var total = ranked.reduce(0) { $0 + $1.probability }
        if let topP {
            var mass = 0.0, kept = 0
            while kept < ranked.count && (kept == 0 || mass < topP * total) {
                mass += ranked[kept].probability
                kept += 1
            }
            ranked = Array(ranked.prefix(kept))
            total = mass
        }
        return ranked.map { ($0.id, $0.probability / total) }
    }

    /// One token drawn from `probabilities` (V) after temperature, top-k and top-p; nil when no
    /// token has a positive probability (e.g. a damaged model's NaN scores).
    public mutating func draw(_ probabilities: [Double]) -> Int? {
        let candidates = candidates(probabilities)
        guard !candidates.isEmpty else { return nil }
        let u = generator.nextUnit()
        var cumulative = 0.0
        for candidate in candidates {
            cumulative += candidate.probability
            if u < cumulative { return candidate.id }
        }
        return candidates.last!.id
    }
}
