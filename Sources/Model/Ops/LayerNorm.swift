/// Layer normalisation over the last dimension (PyTorch's `nn.LayerNorm(D)`, eps 1e-5), computed in
/// Float32 as CLIP's `LayerNorm` subclass does.
public struct LayerNormCache: Sendable {
    public var normalized: Tensor
    public var inverseStd: [Float]
}

public enum LayerNorm {
    public static func forward(_ x: Tensor, gamma: Tensor, beta: Tensor, epsilon: Float = 1e-5)
        -> (output: Tensor, cache: LayerNormCache) {
        let d = x.shape.last!
        precondition(gamma.shape == [d] && beta.shape == [d], "layer norm: gamma/beta must be [\(d)]")
        let rows = x.count / max(1, d)
        var y = Tensor.zeros(x.shape), xh = Tensor.zeros(x.shape)
        var inv = [Float](repeating: 0, count: rows)
        x.scalars.withUnsafeBufferPointer { xp in
        y.scalars.withUnsafeMutableBufferPointer { yp in
        xh.scalars.withUnsafeMutableBufferPointer { hp in
            for r in 0..<rows {
                let base = r * d
                var s: Double = 0
                for i in 0..<d { s += Double(xp[base + i]) }
                let mean = s / Double(d)
                var v: Double = 0
                for i in 0..<d { let t = Double(xp[base + i]) - mean; v += t * t }
                let istd = Float(1 / (v / Double(d) + Double(epsilon)).squareRoot())
                inv[r] = istd
                let m = Float(mean)
                for i in 0..<d {
                    let h = (xp[base + i] - m) * istd
                    hp[base + i] = h
                    yp[base + i] = h * gamma.scalars[i] + beta.scalars[i]
                }
            }
        }}}
        return (y, LayerNormCache(normalized: xh, inverseStd: inv))
    }

    /// Gradients (input, gamma, beta).
    public static func backward(_ gradOutput: Tensor, gamma: Tensor, cache: LayerNormCache)
        -> (input: Tensor, gamma: Tensor, beta: Tensor) {
        let d = gradOutput.shape.last!
        let rows = gradOutput.count / max(1, d)
        var gx = Tensor.zeros(gradOutput.shape)
        var gg = [Double](repeating: 0, count: d), gb = gg
        var dxh = [Float](repeating: 0, count: d)
        for r in 0..<rows {
            let base = r * d
            var s1: Double = 0, s2: Double = 0
            for i in 0..<d {
                let g = gradOutput.scalars[base + i], h = cache.normalized.scalars[base + i]
                gg[i] += Double(g * h); gb[i] += Double(g)
                dxh[i] = g * gamma.scalars[i]
                s1 += Double(dxh[i]); s2 += Double(dxh[i] * h)
            }
            let m1 = Float(s1 / Double(d)), m2 = Float(s2 / Double(d)), istd = cache.inverseStd[r]
            for i in 0..<d {
                gx.scalars[base + i] = istd * (dxh[i] - m1 - cache.normalized.scalars[base + i] * m2)
            }
        }
        return (gx, Tensor(shape: [d], scalars: gg.map { Float($0) }), Tensor(shape: [d], scalars: gb.map { Float($0) }))
    }
}
