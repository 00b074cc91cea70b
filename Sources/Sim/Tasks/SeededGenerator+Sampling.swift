import Geometry

/// The integer and sampling draws CLIPort's tasks make (numpy randint, random.sample).
extension SeededGenerator {
    /// Uniform integer in `range` (numpy's randint(low, high + 1)).
    mutating func integer(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + min(Int(uniform() * Double(range.count)), range.count - 1)
    }

    /// `random.sample(items, k)`: k distinct items in draw order.
    mutating func sample<T>(_ items: [T], count k: Int) -> [T] {
        var pool = items
        var result: [T] = []
        for _ in 0..<min(k, pool.count) { result.append(pool.remove(at: integer(in: 0...(pool.count - 1)))) }
        return result
    }
}
