import RolloutCore

/// The fuzzer's random numbers: the demo's SplitMix64, so that input `i` of seed `s` is the same
/// on every machine and can be made again on its own (a crash is re-derived from its number).
typealias FuzzRandom = SeededRandom

extension SeededRandom {
    /// The generator of one fuzz input: independent of every other input's.
    init(seed: UInt64, input: Int) { self.init(seed: seed, stream: 0xF022, item: UInt64(truncatingIfNeeded: input)) }

    /// A whole number in `0..<n` (0 when n ≤ 0).
    mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }

    /// One of the elements.
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}
