import Foundation

/// A small, fast, reproducible random number generator (xoshiro256** seeded through SplitMix64).
/// Every random choice in the project flows from one of these, so one seed fixes an episode.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var z = seed
        func splitMix() -> UInt64 {
            z &+= 0x9E37_79B9_7F4A_7C15
            var r = z
            r = (r ^ (r >> 30)) &* 0xBF58_476D_1CE4_E5B9
            r = (r ^ (r >> 27)) &* 0x94D0_49BB_1331_11EB
            return r ^ (r >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    public init(seed: Int) { self.init(seed: UInt64(bitPattern: Int64(seed))) }

    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = (s.3 << 45) | (s.3 >> 19)
        return result
    }

    /// Uniform in [0, 1).
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * uniform() }

    /// Standard normal by Box-Muller, scaled.
    public mutating func normal(mean: Double = 0, std: Double = 1) -> Double {
        var u1 = uniform()
        while u1 <= .leastNormalMagnitude { u1 = uniform() }
        let u2 = uniform()
        return mean + std * (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    /// A derived generator for an independent stream (e.g. one per worker or per purpose).
    public mutating func fork() -> SeededGenerator { SeededGenerator(seed: next()) }
}
