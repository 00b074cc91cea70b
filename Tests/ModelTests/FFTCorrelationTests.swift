import XCTest
import HDF5
@testable import Model

final class FFTCorrelationTests: XCTestCase {
    /// Naive O(n²) DFT of `batch` sequences along the outer axis, in Double.
    func naiveDFT(_ re: [Float], _ im: [Float], length n: Int, batch: Int, sign: Double) -> ([Double], [Double]) {
        var or = [Double](repeating: 0, count: n * batch), oi = or
        for f in 0..<n {
            for t in 0..<n {
                let a = sign * 2 * Double.pi * Double((f * t) % n) / Double(n)
                let c = cos(a), s = sin(a)
                for b in 0..<batch {
                    let xr = Double(re[t * batch + b]), xi = Double(im[t * batch + b])
                    or[f * batch + b] += xr * c - xi * s
                    oi[f * batch + b] += xr * s + xi * c
                }
            }
        }
        return (or, oi)
    }

    func testPlanMatchesNaiveDFT() {
        // Every radix alone and mixed; batches that leave a SIMD tail; and zero-padded inputs (only the
        // first n/5 elements nonzero), which take the pruned first step.
        for (n, batch) in [(1, 3), (2, 5), (3, 9), (4, 2), (5, 11), (8, 1), (12, 3), (30, 9), (64, 4), (100, 2), (225, 3)] {
            let x = randomTensor([2, n * batch], seed: UInt64(n))
            for nonzero in Set([n, max(1, n / 5)]) {
                var re = Array(x.scalars[0..<(n * batch)]), im = Array(x.scalars[(n * batch)...])
                for i in (nonzero * batch)..<(n * batch) { re[i] = 0; im[i] = 0 }
                for inverse in [false, true] {
                    let expected = naiveDFT(re, im, length: n, batch: batch, sign: inverse ? 1 : -1)
                    var dr = re, di = im
                    var sr = [Float](repeating: 0, count: n * batch), si = sr
                    var got = ([Float](), [Float]())
                    dr.withUnsafeMutableBufferPointer { drp in di.withUnsafeMutableBufferPointer { dip in
                    sr.withUnsafeMutableBufferPointer { srp in si.withUnsafeMutableBufferPointer { sip in
                        let plan = FFTPlan(length: n)
                        let data = (drp.baseAddress!, dip.baseAddress!), scratch = (srp.baseAddress!, sip.baseAddress!)
                        let out = inverse ? plan.inverse(data, scratch: scratch, batch: batch, nonzero: nonzero)
                                          : plan.forward(data, scratch: scratch, batch: batch, nonzero: nonzero)
                        got = (Array(UnsafeBufferPointer(start: out.re, count: n * batch)),
                               Array(UnsafeBufferPointer(start: out.im, count: n * batch)))
                    }}}}
                    let scale = expected.0.map(abs).max()! + 1
                    let what = "n \(n) nonzero \(nonzero) inverse \(inverse)"
                    for i in 0..<(n * batch) {
                        XCTAssertEqual(Double(got.0[i]), expected.0[i], accuracy: 1e-5 * scale, "\(what) re \(i)")
                        XCTAssertEqual(Double(got.1[i]), expected.1[i], accuracy: 1e-5 * scale, "\(what) im \(i)")
                    }
                }
            }
        }
    }

    func testGoodLengths() {
        XCTAssertEqual(FFTPlan.goodLength(atLeast: 385), 400)
        XCTAssertEqual(FFTPlan.goodLength(atLeast: 225), 225)
        XCTAssertEqual(FFTPlan.goodLength(atLeast: 257), 270)
        XCTAssertEqual(FFTPlan.goodLength(atLeast: 7), 8)
    }

    /// A real image through forwardPair and inversePair comes back (scaled by N1·N2), also placed at
    /// a wrapping offset, and the half spectrum equals the naive 2-D DFT. The last case is small
    /// enough for the pruned first FFT step on both axes.
    func testRealPairRoundTripAndSpectrum() {
        for (n1, n2, m1, m2, o1, o2) in [(6, 5, 4, 4, 5, 3), (8, 9, 6, 8, 7, 7), (15, 4, 13, 3, 14, 2), (20, 15, 3, 2, 1, 0)] {
            let fft = RealFFT2D(rows: n1, columns: n2)
            let ws = RealFFT2D.Workspace(fft)
            let a = randomTensor([m1, m2], seed: 1), b = randomTensor([m1, m2], seed: 2)
            var sa = [Float](repeating: 0, count: 2 * fft.halfCount), sb = sa
            var ra = [Float](repeating: 0, count: m1 * m2), rb = ra
            a.scalars.withUnsafeBufferPointer { ap in b.scalars.withUnsafeBufferPointer { bp in
            sa.withUnsafeMutableBufferPointer { sap in sb.withUnsafeMutableBufferPointer { sbp in
            ra.withUnsafeMutableBufferPointer { rap in rb.withUnsafeMutableBufferPointer { rbp in
                fft.forwardPair(ap.baseAddress!, bp.baseAddress!, height: m1, width: m2, stride: m2, at: o1, o2,
                                into: sap.baseAddress!, sbp.baseAddress!, workspace: ws)
                fft.inversePair(sap.baseAddress!, sbp.baseAddress!, rows: o1, count: m1, columns: o2, count: m2,
                                scale: 1 / Float(n1 * n2), into: rap.baseAddress!, rbp.baseAddress!, stride: m2, workspace: ws)
            }}}}}}
            assertClose(Tensor(shape: [m1, m2], scalars: ra), a.scalars)
            assertClose(Tensor(shape: [m1, m2], scalars: rb), b.scalars)
            // Spectrum of a at offset (o1, o2), naive.
            for f1 in 0..<n1 {
                for f2 in 0..<fft.halfColumns {
                    var er = 0.0, ei = 0.0
                    for i in 0..<m1 {
                        for j in 0..<m2 {
                            let t1 = (o1 + i) % n1, t2 = (o2 + j) % n2
                            let ang = -2 * Double.pi * (Double(f1 * t1) / Double(n1) + Double(f2 * t2) / Double(n2))
                            er += Double(a.scalars[i * m2 + j]) * cos(ang); ei += Double(a.scalars[i * m2 + j]) * sin(ang)
                        }
                    }
                    XCTAssertEqual(Double(sa[f1 * fft.halfColumns + f2]), er, accuracy: 1e-4, "\(n1)x\(n2) re (\(f1), \(f2))")
                    XCTAssertEqual(Double(sa[fft.halfCount + f1 * fft.halfColumns + f2]), ei, accuracy: 1e-4, "\(n1)x\(n2) im (\(f1), \(f2))")
                }
            }
        }
    }

    /// Largest |a - b| relative to the largest |b|.
    func assertRelativelyClose(_ a: Tensor, _ b: Tensor, _ tolerance: Float = 1e-4, _ what: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.shape, b.shape, what, file: file, line: line)
        let scale = max(b.scalars.map(abs).max() ?? 0, 1e-6)
        let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(worst / scale, tolerance, what, file: file, line: line)
    }

    /// C = 3, R = 4, k = 8, key 20x12 (output 21x13), with and without windows (one at the corner, one
    /// inside), and with odd R and C so the pairing has a single leftover.
    func testMatchesCorrelation() {
        let cases: [(c: Int, r: Int, k: Int, h: Int, w: Int, window: PixelWindow?)] = [
            (3, 4, 8, 20, 12, nil),
            (3, 4, 8, 20, 12, PixelWindow(top: 2, left: 1, height: 15, width: 9)),
            (3, 4, 8, 20, 12, PixelWindow(top: 0, left: 0, height: 1, width: 13)),
            (3, 4, 8, 20, 12, PixelWindow(top: 20, left: 12, height: 1, width: 1)),
            (2, 3, 5, 7, 9, PixelWindow(top: 1, left: 3, height: 5, width: 4)),
            (1, 1, 4, 3, 2, nil),
        ]
        for (n, t) in cases.enumerated() {
            let key = randomTensor([1, t.c, t.h, t.w], seed: UInt64(10 + n))
            let kernels = randomTensor([t.r, t.c, t.k, t.k], seed: UInt64(20 + n))
            let expected = Correlation.forward(key: key, kernels: kernels, window: t.window)
            let saved = FFTCorrelation.Saved()
            let y = FFTCorrelation.forward(key: key, kernels: kernels, window: t.window, saved: saved)
            assertRelativelyClose(y, expected, 1e-4, "case \(n) forward")
            // Outside the window exactly zero, as Correlation.
            for i in 0..<y.count where expected.scalars[i] == 0 { XCTAssertEqual(y.scalars[i], 0, "case \(n) outside the window") }
            let grad = randomTensor(expected.shape, seed: UInt64(30 + n))
            let reference = Correlation.backward(grad, key: key, kernels: kernels, window: t.window)
            for (label, s) in [("recomputed", nil), ("saved", saved)] as [(String, FFTCorrelation.Saved?)] {
                let g = FFTCorrelation.backward(grad, key: key, kernels: kernels, window: t.window, saved: s)
                assertRelativelyClose(g.key!, reference.key!, 1e-4, "case \(n) key gradient \(label)")
                assertRelativelyClose(g.kernels, reference.kernels, 1e-4, "case \(n) kernel gradient \(label)")
            }
            let noKey = FFTCorrelation.backward(grad, key: key, kernels: kernels, window: t.window, keyGradient: false)
            XCTAssertNil(noKey.key)
            assertRelativelyClose(noKey.kernels, reference.kernels, 1e-4, "case \(n) kernel gradient without key gradient")
        }
    }

    /// PyTorch's F.conv2d output saved by scripts/reference/make_fixtures.py (the fixture
    /// ReferenceFixtureTests checks Correlation against).
    func testMatchesPyTorchFixture() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/reference.h5").path
        let group = try HDF5File.open(path).group("correlation")
        let y = FFTCorrelation.forward(key: try ParameterStore.tensor("key", in: group),
                                       kernels: try ParameterStore.tensor("kernels", in: group))
        assertRelativelyClose(y, try ParameterStore.tensor("conv", in: group), 1e-4, "PyTorch conv2d")
    }

    /// Saved spectra belong to one key: a backward with another key must not use them.
    func testSavedSpectraOnlyForTheSameInputs() {
        let key = randomTensor([1, 3, 20, 12], seed: 1), other = randomTensor([1, 3, 20, 12], seed: 2)
        let kernels = randomTensor([4, 3, 8, 8], seed: 3)
        let saved = FFTCorrelation.Saved()
        _ = FFTCorrelation.forward(key: key, kernels: kernels, saved: saved)
        let grad = randomTensor([1, 4, 21, 13], seed: 4)
        let g = FFTCorrelation.backward(grad, key: other, kernels: kernels, saved: saved)
        let reference = Correlation.backward(grad, key: other, kernels: kernels)
        assertRelativelyClose(g.kernels, reference.kernels, 1e-4, "kernel gradient for another key")
    }

    /// Central finite differences on a tiny case with a window.
    func testGradientsByFiniteDifferences() {
        let key = randomTensor([1, 2, 5, 6], seed: 5), kernels = randomTensor([3, 2, 4, 4], seed: 6)
        let win = PixelWindow(top: 1, left: 2, height: 4, width: 3)
        let r = randomTensor([1, 3, 6, 7], seed: 7)
        let g = FFTCorrelation.backward(r, key: key, kernels: kernels, window: win)
        assertGradient("fft correlation key", at: key, analytic: g.key!, projection: r) {
            FFTCorrelation.forward(key: $0, kernels: kernels, window: win)
        }
        assertGradient("fft correlation kernels", at: kernels, analytic: g.kernels, projection: r) {
            FFTCorrelation.forward(key: key, kernels: $0, window: win)
        }
    }
}
