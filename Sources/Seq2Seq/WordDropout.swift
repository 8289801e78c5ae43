import Tensor

/// Word dropout (Iyyer et al. 2015; Lample et al. 2016): in training each real token's id is
/// replaced by the unknown-word id with probability p, so the `<unk>` vector learns to stand for
/// any word and the network learns to lean on context (and, in the tagger, on spelling) for words
/// it saw rarely or never. Inference is the identity.
///
///     id'_n = u_n < p ? unknownID : id_n,   u_n ~ U(0, 1)     (padding ids stay as they are)
///
/// It changes ids, not vectors, so there is nothing to do in backward: the gradient goes to the row
/// that was looked up.
public struct WordDropout: Sendable {
    /// The id that dropped words take: the vocabulary's `<unk>` (its layout: 0 `<pad>`, 1 `<unk>`).
    public static let unknownID = 1
    /// The id of padding, which is left alone.
    public static let paddingID = 0

    public let rate: Double

    public init(rate: Double) {
        precondition(rate >= 0 && rate < 1, "word dropout rate \(rate) outside [0, 1)")
        self.rate = rate
    }

    /// Time-major ids (T·B) of right-padded sequences with `lengths` (B) → the ids the embedding
    /// reads: `<pad>` on every padded step (whatever the caller left there), and in training each
    /// real token replaced by `<unk>` with probability p, one draw per real token in order. No
    /// draw is made when not training or when p = 0, so with p = 0 the network's other dropout
    /// masks are the ones it draws without word dropout.
    public func apply(_ ids: [Int], lengths: [Int], training: Bool, generator: inout SeededGenerator) -> [Int] {
        let B = lengths.count
        var read = [Int](repeating: Self.paddingID, count: ids.count)
        for b in 0..<B { for t in 0..<lengths[b] { read[t * B + b] = ids[t * B + b] } }
        guard training, rate > 0 else { return read }
        for n in read.indices where read[n] != Self.paddingID {
            if generator.nextUnit() < rate { read[n] = Self.unknownID }
        }
        return read
    }
}
