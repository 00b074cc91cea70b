import XCTest
@testable import Dataset

/// The warp against numbers printed by cv2.warpAffine (OpenCV 4.6.0, Debian's python3-opencv) on the same
/// image and matrices (script in the test below's comment), as CLIPort's perturb calls it.
final class AffineWarpTests: XCTestCase {
    static let rows = 320, cols = 160

    /// R = (7r + 3c) % 256, G = (r xor c) & 255, B = (r c) % 251, height = 0.001 r + 0.0001 c (float32).
    static func pattern() -> [SIMD4<Float>] {
        var src: [SIMD4<Float>] = []
        for r in 0..<rows {
            for c in 0..<cols {
                src.append(SIMD4(Float((r * 7 + c * 3) % 256), Float((r ^ c) & 255), Float((r * c) % 251),
                                 Float(r) * Float(0.001) + Float(c) * Float(0.0001)))
            }
        }
        return src
    }

    func warp(theta: Double, t: SIMD2<Double>) -> [SIMD4<Float>] {
        let p = SE2Perturbation(theta: theta, translation: t, pivot: SIMD2(80, 160))
        let src = Self.pattern()
        var dst = [SIMD4<Float>](repeating: .zero, count: src.count)
        src.withUnsafeBufferPointer { s in dst.withUnsafeMutableBufferPointer { AffineWarp.warp(s, rows: Self.rows, cols: Self.cols, matrix: p.matrix, into: $0) } }
        return dst
    }

    func sums(_ image: [SIMD4<Float>]) -> [Double] {
        (0..<4).map { k in image.reduce(0.0) { $0 + Double($1[k]) } }
    }

    func testMatrixIsPivotRotationTranslation() {
        let m = SE2Perturbation(theta: 0.3, translation: SIMD2(5.7, -3.2), pivot: SIMD2(80, 160)).matrix
        let expected = [0.9553364891256061, -0.2955202066613396, 56.55631393576585, 0.2955202066613396, 0.9553364891256061, -19.69545479300413]
        for (a, b) in zip(m, expected) { XCTAssertEqual(a, b, accuracy: 1e-12) }
    }

    func testMatchesOpenCVFirstTransform() {
        let out = warp(theta: 0.3, t: SIMD2(5.7, -3.2))
        let at = { (r: Int, c: Int) in out[r * Self.cols + c] }
        XCTAssertEqual(at(0, 0), SIMD4(0, 0, 0, 0))
        XCTAssertEqual(at(160, 80), SIMD4(99.75, 235.5, 139.625, 0.17229999601840973))
        XCTAssertEqual(at(200, 3), SIMD4(85.28125, 237.171875, 154.3828125, 0.22709375619888306))
        XCTAssertEqual(at(300, 100), SIMD4(152.0625, 172.275390625, 133.4501953125, 0.3061906397342682))
        let s = sums(out)
        let expected = [5531820.1748046875, 5082546.3251953125, 5385167.380859375, 7457.89585062016]
        for k in 0..<3 { XCTAssertEqual(s[k], expected[k], accuracy: 1e-6) }
        XCTAssertEqual(s[3], expected[3], accuracy: 1e-6)
    }

    func testMatchesOpenCVSecondTransformIncludingBorders() {
        let out = warp(theta: -1.1, t: SIMD2(-20.25, 31.5))
        let at = { (r: Int, c: Int) in out[r * Self.cols + c] }
        XCTAssertEqual(at(160, 80), SIMD4(218.0, 210.375, 123.6875, 0.17547500133514404))
        XCTAssertEqual(at(319, 159), SIMD4(130.1875, 58.978515625, 128.5517578125, 0.30742186307907104))
        XCTAssertEqual(at(200, 3), SIMD4(165.03125, 93.85546875, 96.255859375, 0.11795000731945038))
        XCTAssertEqual(at(5, 150), SIMD4(0, 0, 0, 0))
        let s = sums(out)
        let expected = [3656981.5166015625, 4089323.6787109375, 3552879.7451171875, 5417.453672078671]
        for k in 0..<4 { XCTAssertEqual(s[k], expected[k], accuracy: 1e-6) }
    }

    func testIdentityAndWholePixelShiftsAreExact() {
        let src = Self.pattern()
        let identity = warp(theta: 0, t: .zero)
        XCTAssertEqual(identity, src)
        let shifted = warp(theta: 0, t: SIMD2(3, -2))  // dst(x, y) = src(x - 3, y + 2)
        XCTAssertEqual(shifted[100 * Self.cols + 50], src[102 * Self.cols + 47])
        XCTAssertEqual(shifted[10 * Self.cols + 1], SIMD4(0, 0, 0, 0))  // came from column -2: border
    }

    func testAugmentedColourIsTruncatedLikeNumpysInt32Cast() {
        var out = [Float](repeating: -1, count: 12)
        out.withUnsafeMutableBufferPointer { o in
            let sink = TruncatingImageSink(out: o.baseAddress!, pixels: 2)
            sink.store(0, SIMD4(12.999, 13, 0.5, 0.0123))
            sink.store(1, SIMD4(254.99, 255, 0, 1.5))
        }
        // Channels first: R of both pixels, G, B, then the height three times.
        XCTAssertEqual(out, [12, 254, 13, 255, 0, 0, 0.0123, 1.5, 0.0123, 1.5, 0.0123, 1.5])
    }

    func testTruncationIsFloorForEveryWarpedColourValue() {
        // Every integer 0...256, the float just below and just above it, and a spread of fractions between.
        var values: [Float] = []
        for k in 0...256 {
            let f = Float(k)
            values += [f, f.nextDown, f.nextUp, f + 0.25, f + 0.5, f + 0.75, f + 0.999]
        }
        values = values.filter { $0 >= 0 }
        for start in stride(from: 0, to: values.count - 3, by: 4) {
            let v = SIMD4(values[start], values[start + 1], values[start + 2], values[start + 3])
            let t = TruncatingImageSink.truncated(v)
            for k in 0..<4 { XCTAssertEqual(t[k], Float(Int32(v[k])), "\(v[k])") }
        }
    }

    func testImageAndGoalWarpedTogetherEqualTwoSeparateWarps() {
        let rows = Self.rows, cols = Self.cols, n = rows * cols
        let src = Self.pattern()
        let color = src.flatMap { [UInt8($0.x), UInt8($0.y), UInt8($0.z)] }, height = src.map(\.w)
        let goalColor = color.reversed() as [UInt8], goalHeight = height.map { 0.3 - $0 }
        for (theta, t) in [(0.3, SIMD2(5.7, -3.2)), (-2.1, SIMD2(-40.25, 17.5)), (1.0, SIMD2(0.0, 0.0))] {
            let matrix = SE2Perturbation(theta: theta, translation: t, pivot: SIMD2(80, 160)).matrix
            var image = [Float](repeating: -1, count: 6 * n), goal = [Float](repeating: -1, count: 6 * n)
            var pair: [SIMD8<Float>] = []
            SampleAssembler.writeWarpedImageAndGoal(color: color, height: height, goalColor: goalColor, goalHeight: goalHeight,
                                                    rows: rows, cols: cols, matrix: matrix, source: &pair, image: &image, goal: &goal)
            XCTAssertEqual(image, SampleAssembler.warpedImage(color: color, height: height, rows: rows, cols: cols, matrix: matrix,
                                                              truncateColor: true), "image, theta \(theta)")
            XCTAssertEqual(goal, SampleAssembler.warpedImage(color: goalColor, height: goalHeight, rows: rows, cols: cols, matrix: matrix,
                                                             truncateColor: false), "goal, theta \(theta)")
        }
    }
}
