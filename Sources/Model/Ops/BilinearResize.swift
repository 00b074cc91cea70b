/// Bilinear resize of NCHW tensors, matching PyTorch's `F.interpolate(mode="bilinear")` given an
/// output size: with `alignCorners` the corner pixel centres map onto each other
/// (src = dst * (in-1)/(out-1)); without, pixel areas do (src = (dst+0.5) * in/out - 0.5, clamped at 0).
/// `nn.UpsamplingBilinear2d` is the align-corners form; `F.interpolate`'s default is not.
public enum BilinearResize {
    /// Per-axis taps: for each output index, the two source indices and their weights.
    struct Taps {
        var i0: [Int], i1: [Int], w0: [Float], w1: [Float]

        init(input: Int, output: Int, alignCorners: Bool) {
            i0 = [Int](repeating: 0, count: output); i1 = i0
            w0 = [Float](repeating: 0, count: output); w1 = w0
            let scale: Float
            if alignCorners {
                scale = output > 1 ? Float(input - 1) / Float(output - 1) : 0
            } else {
                scale = Float(input) / Float(output)
            }
            for d in 0..<output {
                var src = alignCorners ? scale * Float(d) : scale * (Float(d) + 0.5) - 0.5
                if src < 0 { src = 0 }
                let a = min(Int(src), input - 1)
                let b = a < input - 1 ? a + 1 : a
                let l = src - Float(a)
                i0[d] = a; i1[d] = b; w0[d] = 1 - l; w1[d] = l
            }
        }
    }

    /// The source indices that output indices `range` of a resize from `input` to `output` read.
    public static func sourceRange(input: Int, output: Int, alignCorners: Bool, reading range: Range<Int>) -> Range<Int> {
        let t = Taps(input: input, output: output, alignCorners: alignCorners)
        let lo = range.map { t.i0[$0] }.min() ?? 0, hi = range.map { t.i1[$0] }.max() ?? 0
        return lo..<(hi + 1)
    }

    public static func forward(_ x: Tensor, height: Int, width: Int, alignCorners: Bool) -> Tensor {
        let (n, c, h, w) = x.nchw
        let ty = Taps(input: h, output: height, alignCorners: alignCorners)
        let tx = Taps(input: w, output: width, alignCorners: alignCorners)
        var y = Tensor.zeros([n, c, height, width])
        x.scalars.withUnsafeBufferPointer { xp in
        y.scalars.withUnsafeMutableBufferPointer { yp in
            let xb = xp.baseAddress!, yb = yp.baseAddress!
            parallelFor(n * c, work: n * c * height * width * 4) { p in
                let src = xb + p * h * w
                let dst = yb + p * height * width
                for oy in 0..<height {
                    let r0 = src + ty.i0[oy] * w, r1 = src + ty.i1[oy] * w
                    let a = ty.w0[oy], b = ty.w1[oy]
                    let d = dst + oy * width
                    for ox in 0..<width {
                        let j0 = tx.i0[ox], j1 = tx.i1[ox]
                        d[ox] = a * (tx.w0[ox] * r0[j0] + tx.w1[ox] * r0[j1])
                              + b * (tx.w0[ox] * r1[j0] + tx.w1[ox] * r1[j1])
                    }
                }
            }
        }}
        return y
    }

    /// Adjoint of `forward`: scatters each output gradient onto its four source pixels.
    public static func backward(_ gradOutput: Tensor, inputHeight h: Int, inputWidth w: Int,
                                alignCorners: Bool) -> Tensor {
        let (n, c, height, width) = gradOutput.nchw
        let ty = Taps(input: h, output: height, alignCorners: alignCorners)
        let tx = Taps(input: w, output: width, alignCorners: alignCorners)
        var gx = Tensor.zeros([n, c, h, w])
        gradOutput.scalars.withUnsafeBufferPointer { gp in
        gx.scalars.withUnsafeMutableBufferPointer { xp in
            let gb = gp.baseAddress!, xb = xp.baseAddress!
            parallelFor(n * c, work: n * c * height * width * 4) { p in
                let src = gb + p * height * width
                let dst = xb + p * h * w
                for oy in 0..<height {
                    let r0 = dst + ty.i0[oy] * w, r1 = dst + ty.i1[oy] * w
                    let a = ty.w0[oy], b = ty.w1[oy]
                    let s = src + oy * width
                    for ox in 0..<width {
                        let g = s[ox]
                        let j0 = tx.i0[ox], j1 = tx.i1[ox]
                        r0[j0] += a * tx.w0[ox] * g; r0[j1] += a * tx.w1[ox] * g
                        r1[j0] += b * tx.w0[ox] * g; r1[j1] += b * tx.w1[ox] * g
                    }
                }
            }
        }}
        return gx
    }
}
