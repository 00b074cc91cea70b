import XCTest
@testable import Model

/// Shared test helper: checks an analytic gradient against central finite differences.
///
/// The scalar is L(x) = sum(r * f(x)) for a fixed random projection r (the upstream gradient handed to
/// backward), accumulated in Double. Each input element is moved by ±eps; the worst error relative to
/// the largest numeric gradient must stay under `tolerance`.
func assertGradient(_ name: String, at x: Tensor, analytic: Tensor, projection r: Tensor,
                    eps: Float = 1e-2, tolerance: Double = 1e-2,
                    file: StaticString = #filePath, line: UInt = #line,
                    _ f: (Tensor) -> Tensor) {
    XCTAssertEqual(analytic.shape, x.shape, "\(name): gradient shape", file: file, line: line)
    func loss(_ t: Tensor) -> Double {
        let y = f(t)
        precondition(y.count == r.count, "\(name): projection size \(r.count) != output size \(y.count)")
        var s = 0.0
        for i in 0..<y.count { s += Double(y.scalars[i]) * Double(r.scalars[i]) }
        return s
    }
    var numeric = [Double](repeating: 0, count: x.count)
    var probe = x
    for i in 0..<x.count {
        let v = x.scalars[i]
        probe.scalars[i] = v + eps
        let lp = loss(probe)
        probe.scalars[i] = v - eps
        let lm = loss(probe)
        probe.scalars[i] = v
        numeric[i] = (lp - lm) / (2 * Double(eps))
    }
    let scale = max(numeric.map { abs($0) }.max() ?? 0, 1e-3)
    var worst = 0.0, worstIndex = 0
    for i in 0..<x.count {
        let e = abs(Double(analytic.scalars[i]) - numeric[i]) / scale
        if e > worst { worst = e; worstIndex = i }
    }
    XCTAssertLessThan(worst, tolerance,
                      "\(name): gradient mismatch at \(worstIndex): analytic \(analytic.scalars[worstIndex]) numeric \(numeric[worstIndex])",
                      file: file, line: line)
}

/// Random tensor with values in ±[0.1, 1): kept away from 0 so ReLU and max-pool kinks sit farther
/// than eps from any probe.
func randomTensor(_ shape: [Int], seed: UInt64) -> Tensor {
    var g = SplitMix64(seed: seed)
    var t = Tensor.zeros(shape)
    for i in 0..<t.count {
        let m = Float.random(in: 0.1..<1, using: &g)
        t.scalars[i] = Bool.random(using: &g) ? m : -m
    }
    return t
}

/// Random tensor with distinct, well-separated values (a shuffled ramp), for max pooling.
func rampTensor(_ shape: [Int], seed: UInt64) -> Tensor {
    var g = SplitMix64(seed: seed)
    let n = shape.reduce(1, *)
    var values = (0..<n).map { Float($0) * 0.1 - Float(n) * 0.05 }
    values.shuffle(using: &g)
    return Tensor(shape: shape, scalars: values)
}

func assertClose(_ a: Tensor, _ b: [Float], tolerance: Float = 1e-5,
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "element count", file: file, line: line)
    for i in 0..<min(a.count, b.count) where abs(a.scalars[i] - b[i]) > tolerance * max(1, abs(b[i])) {
        XCTFail("element \(i): \(a.scalars[i]) != \(b[i])", file: file, line: line)
        return
    }
}

/// Finite-difference check of a few elements of each parameter of a network, against the gradients
/// its backward accumulated. `loss` must run a full forward pass and return the scalar loss.
///
/// ReLU networks are piecewise linear in any single weight, so a probe ±eps may cross a kink and then
/// says nothing about the gradient. A crossing shows as one-sided slopes that disagree; Float32
/// round-off also moves them apart, by an amount that depends on the BLAS kernel's summation order. A
/// probe is set aside only when its slopes disagree by more than half the error the check allows
/// (relative to the largest gradient seen), so the central difference of every probe kept is off by
/// at most a quarter of the tolerance whatever the kernel; a set-aside probe is redrawn at another
/// element of the same parameter (up to `redraws` times), so each parameter still gets checked.
func assertParameterGradients(_ name: String, _ parameters: [Parameter], samplesPerParameter: Int = 3,
                              eps: Float = 1e-3, tolerance: Double = 2e-2, seed: UInt64 = 99, redraws: Int = 3,
                              file: StaticString = #filePath, line: UInt = #line, loss: () -> Double) {
    struct Probe {
        var name: String
        var index: Int
        var analytic, up, down: Double
        var central: Double { (up + down) / 2 }
        var slopeGap: Double { abs(up - down) }
    }
    var g = SplitMix64(seed: seed)
    let l0 = loss()
    func probe(_ p: Parameter, _ i: Int) -> Probe {
        let v = p.value.scalars[i]
        p.value.scalars[i] = v + eps
        let lp = loss()
        p.value.scalars[i] = v - eps
        let lm = loss()
        p.value.scalars[i] = v
        return Probe(name: "\(p.name)[\(i)]", index: i, analytic: Double(p.gradient.scalars[i]),
                     up: (lp - l0) / Double(eps), down: (l0 - lm) / Double(eps))
    }
    // First round: the same elements as ever (one seeded draw per sample), giving the gradient scale.
    var first: [(parameter: Parameter, probe: Probe)] = []
    for p in parameters {
        for _ in 0..<min(samplesPerParameter, p.count) {
            first.append((p, probe(p, Int.random(in: 0..<p.count, using: &g))))
        }
    }
    let kinkScale = max(first.map { abs($0.probe.central) }.max() ?? 0, 1e-6)
    let maximumGap = tolerance * kinkScale / 2
    var samples: [Probe] = [], crossed: [Probe] = []
    var unchecked = 0
    for (p, firstProbe) in first {
        var current = firstProbe, tried: Set<Int> = [firstProbe.index]
        while current.slopeGap > maximumGap {
            crossed.append(current)
            if tried.count > redraws || tried.count == p.count { break }
            var i = Int.random(in: 0..<p.count, using: &g)
            while tried.contains(i) { i = Int.random(in: 0..<p.count, using: &g) }
            tried.insert(i)
            current = probe(p, i)
        }
        if current.slopeGap > maximumGap { unchecked += 1 } else { samples.append(current) }
    }
    XCTAssertGreaterThan(samples.count, 2 * crossed.count,
                         "\(name): too many probes crossed ReLU kinks (\(unchecked) of \(first.count) samples unchecked; slopes up/down: "
                         + crossed.prefix(8).map { "\($0.name) \($0.up)/\($0.down)" }.joined(separator: ", ") + ")",
                         file: file, line: line)
    // Tiny random networks have many dead units, but one whose output does not move (every unit dead)
    // would pass any gradient: demand a signal in at least a quarter of the probes.
    XCTAssertGreaterThan(samples.filter { $0.central != 0 }.count, samples.count / 4,
                         "\(name): most probes see a zero gradient, so the check would test nothing", file: file, line: line)
    // Errors relative to the largest gradient seen: Float32 round-off makes tiny gradients noisy.
    let scale = max(samples.map { abs($0.central) }.max() ?? 0, 1e-6)
    var worst = 0.0, worstName = ""
    for s in samples {
        let err = abs(s.central - s.analytic) / scale
        if err > worst { worst = err; worstName = "\(s.name) analytic \(s.analytic) numeric \(s.central)" }
    }
    XCTAssertLessThan(worst, tolerance, "\(name): worst gradient error \(worst) at \(worstName)", file: file, line: line)
}

/// About `count` parameters spread evenly over the list, plus every one whose name contains one of
/// `always`: full finite-difference sweeps of big networks are too slow for a debug build.
func parameterSample(_ parameters: [Parameter], count: Int, always: [String] = []) -> [Parameter] {
    let step = max(1, parameters.count / max(1, count))
    return parameters.enumerated().filter { i, p in i % step == 0 || always.contains { p.name.contains($0) } }.map { $0.1 }
}

/// sum(a * b) in Double: the scalar loss whose gradient with respect to a network's output is `b`.
func dot(_ a: Tensor, _ b: Tensor) -> Double {
    zip(a.scalars, b.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
}

/// A raw observation: colour 0-255 in channels 0-2, heights 0-0.05 m in 3-5.
func rawImage(_ shape: [Int], seed: UInt64) -> Tensor {
    var g = SplitMix64(seed: seed)
    var t = Tensor.zeros(shape)
    let plane = shape[1] * shape[2]
    for c in 0..<6 {
        for i in 0..<plane {
            t.scalars[c * plane + i] = c < 3 ? Float.random(in: 0..<255, using: &g) : Float.random(in: 0..<0.05, using: &g)
        }
    }
    return t
}

/// Direct convolution in Double (the definition the kernels are checked against), with an optional bias.
func naiveConv(_ x: Tensor, _ w: Tensor, _ b: Tensor?, _ o: Conv2DOptions) -> Tensor {
    let (n, c, h, wd) = x.nchw
    let (oc, _, kh, kw) = w.nchw
    let ho = (h + 2 * o.paddingH - kh) / o.strideH + 1, wo = (wd + 2 * o.paddingW - kw) / o.strideW + 1
    var y = Tensor.zeros([n, oc, ho, wo])
    for ni in 0..<n { for oi in 0..<oc { for oy in 0..<ho { for ox in 0..<wo {
        var s = Double(b?.scalars[oi] ?? 0)
        for ci in 0..<c { for i in 0..<kh { for j in 0..<kw {
            let iy = oy * o.strideH - o.paddingH + i, ix = ox * o.strideW - o.paddingW + j
            if iy >= 0 && iy < h && ix >= 0 && ix < wd { s += Double(x[ni, ci, iy, ix]) * Double(w[oi, ci, i, j]) }
        }}}
        y[ni, oi, oy, ox] = Float(s)
    }}}}
    return y
}
