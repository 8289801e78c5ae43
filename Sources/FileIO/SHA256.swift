import Foundation

/// SHA-256 as FIPS 180-4 defines it (sections 4.1.2, 4.2.2, 5.1.1, 5.3.3, 6.2), streaming.
///
/// The message is padded with a 1 bit, zeros, and its length in bits as a big-endian 64-bit
/// integer, to a multiple of 512 bits, and processed in 64-byte blocks M(i). Per block, with
/// words read big-endian and all additions modulo 2³²:
///
///     W_t = M_t                                          0 ≤ t < 16
///     W_t = σ1(W_{t-2}) + W_{t-7} + σ0(W_{t-15}) + W_{t-16}   16 ≤ t < 64
///     T1 = h + Σ1(e) + Ch(e, f, g) + K_t + W_t,   T2 = Σ0(a) + Maj(a, b, c)
///     h = g, g = f, f = e, e = d + T1, d = c, c = b, b = a, a = T1 + T2
///
/// with Ch(x, y, z) = (x ∧ y) ⊕ (¬x ∧ z), Maj(x, y, z) = (x ∧ y) ⊕ (x ∧ z) ⊕ (y ∧ z),
/// Σ0 = ROTR² ⊕ ROTR¹³ ⊕ ROTR²², Σ1 = ROTR⁶ ⊕ ROTR¹¹ ⊕ ROTR²⁵, σ0 = ROTR⁷ ⊕ ROTR¹⁸ ⊕ SHR³,
/// σ1 = ROTR¹⁷ ⊕ ROTR¹⁹ ⊕ SHR¹⁰; then H(i) = H(i-1) + (a, ..., h). The digest is H(N), big-endian.
///
/// Used for model-file checksums and for fingerprinting training data in a model's provenance.
/// Not constant-time; do not use it for secrets.
public struct SHA256: Sendable {
    /// The hash value H(i) (eight words).
    private var state: [UInt32] = SHA256.initialState
    /// The bytes of the current, incomplete block (always fewer than 64 between calls).
    private var pending: [UInt8] = []
    /// Message bytes hashed so far.
    private var length: UInt64 = 0
    /// Set by `finalize()`; the hasher cannot be used afterwards.
    private var finished = false

    /// The byte count of one block.
    static let blockSize = 64
    /// The chunk size in which `hexDigest(ofFile:)` reads files.
    static let fileChunkSize = 1 << 20

    /// A hasher of the empty message.
    public init() {
        pending.reserveCapacity(Self.blockSize)
    }

    /// Appends `bytes` to the message.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        precondition(!finished, "SHA256.update called after finalize()")
        guard var input = bytes.baseAddress, bytes.count > 0 else { return }
        var remaining = bytes.count
        length &+= UInt64(remaining)
        if !pending.isEmpty {
            let taken = min(Self.blockSize - pending.count, remaining)
            pending.append(contentsOf: UnsafeRawBufferPointer(start: input, count: taken))
            input += taken
            remaining -= taken
            guard pending.count == Self.blockSize else { return }
            pending.withUnsafeBytes { block in Self.compress(block.baseAddress!, blocks: 1, into: &state) }
            pending.removeAll(keepingCapacity: true)
        }
        let blocks = remaining / Self.blockSize
        if blocks > 0 {
            Self.compress(input, blocks: blocks, into: &state)
            input += blocks * Self.blockSize
            remaining -= blocks * Self.blockSize
        }
        if remaining > 0 {
            pending.append(contentsOf: UnsafeRawBufferPointer(start: input, count: remaining))
        }
    }

    /// Appends the bytes of `data` to the message.
    public mutating func update(_ data: Data) {
        data.withUnsafeBytes { update($0) }
    }

    /// Pads the message and returns its 32-byte digest. The hasher is finished afterwards: calling
    /// `update` or `finalize` again is a programmer error.
    public mutating func finalize() -> [UInt8] {
        precondition(!finished, "SHA256.finalize called twice")
        let bitLength = length &* 8
        // A 1 bit, then zeros up to 56 bytes into a block, then the bit length (big-endian).
        var padding: [UInt8] = [0x80]
        let used = (pending.count + 1) % Self.blockSize
        padding += [UInt8](repeating: 0, count: (Self.blockSize + 56 - used) % Self.blockSize)
        padding += withUnsafeBytes(of: bitLength.bigEndian) { Array($0) }
        let messageLength = length
        padding.withUnsafeBytes { update($0) }
        length = messageLength
        precondition(pending.isEmpty, "SHA256 padding did not end on a block boundary")
        finished = true
        var digest: [UInt8] = []
        digest.reserveCapacity(32)
        for word in state { withUnsafeBytes(of: word.bigEndian) { digest += $0 } }
        return digest
    }

    /// The digest of `data` as 64 lowercase hexadecimal digits.
    public static func hexDigest(_ data: Data) -> String {
        var hasher = SHA256()
        hasher.update(data)
        return hex(hasher.finalize())
    }

    /// The digest of the file at `path` (its own bytes, also for a `.gz` file) as 64 lowercase
    /// hexadecimal digits, read in 1 MiB chunks. Throws the `FileError` of `InputFile`.
    public static func hexDigest(ofFile path: String) throws(FileError) -> String {
        let file = try InputFile(path: path, decompress: false)
        var hasher = SHA256()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: fileChunkSize, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count = try file.read(into: chunk.baseAddress!, count: fileChunkSize)
            if count == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
        }
        return hex(hasher.finalize())
    }

    /// `bytes` as lowercase hexadecimal digits.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(2 * bytes.count)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    // MARK: - The compression function

    /// Processes `blocks` consecutive 64-byte blocks at `input` (any alignment) into `state`.
    private static func compress(_ input: UnsafeRawPointer, blocks: Int, into state: inout [UInt32]) {
        state.withUnsafeMutableBufferPointer { state in
            Self.roundConstants.withUnsafeBufferPointer { k in
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                    Self.compress(input, blocks: blocks, state: state.baseAddress!, k: k.baseAddress!, w: w.baseAddress!)
                }
            }
        }
    }

    /// The block loop of FIPS 180-4 section 6.2.2 on raw pointers. `w` is scratch for the
    /// 64-word message schedule.
    @inline(__always)
    private static func compress(
        _ input: UnsafeRawPointer, blocks: Int, state: UnsafeMutablePointer<UInt32>,
        k: UnsafePointer<UInt32>, w: UnsafeMutablePointer<UInt32>
    ) {
        var (h0, h1, h2, h3) = (state[0], state[1], state[2], state[3])
        var (h4, h5, h6, h7) = (state[4], state[5], state[6], state[7])
        for block in 0..<blocks {
            let m = input + block * blockSize
            for t in 0..<16 {
                w[t] = UInt32(bigEndian: m.loadUnaligned(fromByteOffset: 4 * t, as: UInt32.self))
            }
            for t in 16..<64 {
                let x = w[t - 15], y = w[t - 2]
                let s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x &>> 3)
                let s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y &>> 10)
                w[t] = s1 &+ w[t - 7] &+ s0 &+ w[t - 16]
            }
            var (a, b, c, d, e, f, g, h) = (h0, h1, h2, h3, h4, h5, h6, h7)
            for t in 0..<64 {
                let sigma1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                let choose = (e & f) ^ (~e & g)
                let t1 = h &+ sigma1 &+ choose &+ k[t] &+ w[t]
                let sigma0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                let majority = (a & b) ^ (a & c) ^ (b & c)
                let t2 = sigma0 &+ majority
                h = g
                g = f
                f = e
                e = d &+ t1
                d = c
                c = b
                b = a
                a = t1 &+ t2
            }
            h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d
            h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
        }
        (state[0], state[1], state[2], state[3]) = (h0, h1, h2, h3)
        (state[4], state[5], state[6], state[7]) = (h4, h5, h6, h7)
    }

    /// ROTR^n(x): `x` rotated right by `n` bits (0 < n < 32).
    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
        (x &>> n) | (x &<< (32 - n))
    }

    /// H(0) (section 5.3.3): the first 32 bits of the fractional parts of the square roots of the
    /// first eight primes.
    private static let initialState: [UInt32] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ]

    /// K (section 4.2.2): the first 32 bits of the fractional parts of the cube roots of the first
    /// 64 primes.
    private static let roundConstants: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]
}
