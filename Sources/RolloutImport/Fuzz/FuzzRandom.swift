/// The fuzzer's random numbers: SplitMix64, so that input `i` of seed `s` is the same on every
/// machine and can be made again on its own (a crash is re-derived from its number).
public struct FuzzRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// The generator of one input: independent of every other input's.
    public init(seed: UInt64, input: Int) {
        var mix = FuzzRandom(seed: seed ^ (UInt64(truncatingIfNeeded: input) &* 0x9E37_79B9_7F4A_7C15))
        state = mix.next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A whole number in `0..<n` (0 when n ≤ 0).
    mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }

    /// One of the elements.
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}
