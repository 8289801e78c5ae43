#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The working part of a `BytePairEncoding`: its merges as an integer table, and a cache of
/// segmented words.
///
/// Symbols are interned: every string that is a side or a result of some merge has an id, and a
/// merge is looked up by the pair of ids packed into a `UInt64`. A character that no merge mentions
/// gets no id; it can never merge, so it stays a piece of its own.
///
/// The cache maps words to their pieces and is guarded by a mutex, so the segmenter is safe to
/// share between threads (`BytePairEncoding` is `Sendable`). It holds at most `cacheCapacity`
/// words and is emptied when it fills up: translation corpora repeat a few thousand words most of
/// the time, and emptying keeps memory bounded on open-ended input without any bookkeeping.
final class SubwordSegmenter: @unchecked Sendable {
    /// A merge as ids: its rank and the id of the merged symbol.
    private struct Entry {
        var rank: Int32
        var result: Int32
    }

    private let symbolIDs: [String: Int32]
    private let symbols: [String]
    private let table: [UInt64: Entry]

    /// Words kept before the cache is emptied.
    static let cacheCapacity = 1 << 17
    private var cache: [String: [String]] = [:]
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init(merges: [BytePairEncoding.Merge]) {
        var symbolIDs: [String: Int32] = [:]
        var symbols: [String] = []
        func intern(_ symbol: String) -> Int32 {
            if let id = symbolIDs[symbol] { return id }
            symbols.append(symbol)
            symbolIDs[symbol] = Int32(symbols.count - 1)
            return Int32(symbols.count - 1)
        }
        var table: [UInt64: Entry] = [:]
        table.reserveCapacity(merges.count)
        for (rank, merge) in merges.enumerated() {
            let left = intern(merge.left), right = intern(merge.right)
            let key = Self.key(left, right)
            // A repeated merge is refused by `BytePairEncoding`; keep the first rank regardless.
            if table[key] == nil { table[key] = Entry(rank: Int32(rank), result: intern(merge.result)) }
        }
        self.symbolIDs = symbolIDs
        self.symbols = symbols
        self.table = table
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    @inline(__always)
    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// The pieces of `word` (cached).
    func segment(_ word: String) -> [String] {
        pthread_mutex_lock(mutex)
        let cached = cache[word]
        pthread_mutex_unlock(mutex)
        if let cached { return cached }
        let pieces = segmentUncached(word)
        pthread_mutex_lock(mutex)
        if cache.count >= Self.cacheCapacity { cache.removeAll(keepingCapacity: true) }
        cache[word] = pieces
        pthread_mutex_unlock(mutex)
        return pieces
    }

    /// Applies the merges by rank: find the present pair of lowest rank, merge all its
    /// non-overlapping occurrences left to right, repeat.
    func segmentUncached(_ word: String) -> [String] {
        // Known symbols have ids >= 0; a character no merge mentions gets -1 - (its index in
        // `unknown`), so it never matches a table key (ids are looked up only when both are >= 0).
        var ids: [Int32] = []
        var unknown: [String] = []
        for character in word {
            let symbol = String(character)
            if let id = symbolIDs[symbol] {
                ids.append(id)
            } else {
                ids.append(-1 - Int32(unknown.count))
                unknown.append(symbol)
            }
        }
        var merged: [Int32] = []
        merged.reserveCapacity(ids.count)
        while ids.count > 1 {
            var best = Entry(rank: .max, result: -1)
            var left: Int32 = -1, right: Int32 = -1
            for i in 0..<(ids.count - 1) where ids[i] >= 0 && ids[i + 1] >= 0 {
                if let entry = table[Self.key(ids[i], ids[i + 1])], entry.rank < best.rank {
                    best = entry
                    left = ids[i]
                    right = ids[i + 1]
                }
            }
            if best.rank == .max { break }
            merged.removeAll(keepingCapacity: true)
            var i = 0
            while i < ids.count {
                if i + 1 < ids.count && ids[i] == left && ids[i + 1] == right {
                    merged.append(best.result)
                    i += 2
                } else {
                    merged.append(ids[i])
                    i += 1
                }
            }
            swap(&ids, &merged)
        }
        return ids.map { $0 >= 0 ? symbols[Int($0)] : unknown[Int(-1 - $0)] }
    }
}
