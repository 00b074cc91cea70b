import Dataset
import XCTest

/// The depth quantiser and the height rounding against their definitions (`min`/`max` and `rounded()`), on
/// the values where a hand-written version could differ: halves, signed zeros, NaN, infinities, the limits.
final class DepthEncodingTests: XCTestCase {
    func testQuantiseMatchesItsDefinition() {
        let scale = 0.0001, inverse = Float(1 / scale)
        var depths: [Float] = [0, -0.0, -1, .nan, .infinity, -.infinity, 1e-9, 0.00004, 0.00005, 0.00015, 0.5, 6.5534, 6.55345,
                               6.5535, 7, 10, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<10_000 { depths.append(Float.random(in: 0...8, using: &rng)) }
        let got = DepthEncoding.quantise(depths, metresPerUnit: scale)
        for (d, q) in zip(depths, got) {
            let want: UInt16 = d > 0 ? UInt16(min(max(d * inverse + 0.5, 1), 65535)) : 0
            XCTAssertEqual(q, want, "depth \(d)")
        }
        XCTAssertEqual(Array(got.prefix(6)), [0, 0, 0, 0, 65535, 0])
    }

    func testRoundMatchesRoundedHalfAwayFromZero() {
        let quantum = 0.0001
        var values: [Float] = [0, -0.0, 0.00005, -0.00005, 0.00015, -0.00015, 0.000049999, 0.28, -0.28, .nan, .infinity,
                               -.infinity, 1e30, -1e30, .greatestFiniteMagnitude]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<10_000 { values.append(Float.random(in: -0.3...0.3, using: &rng)) }
        let got = DepthEncoding.round(values, quantum: quantum)
        for (v, r) in zip(values, got) {
            let want = Float((Double(v) * (1 / quantum)).rounded() * quantum)
            XCTAssertEqual(r.bitPattern == want.bitPattern || (r.isNaN && want.isNaN), true, "value \(v): \(r) vs \(want)")
        }
        XCTAssertEqual(got[1].sign, .minus, "-0 stays -0")
    }
}
