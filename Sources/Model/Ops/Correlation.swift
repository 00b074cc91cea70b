import BLAS

/// The transport module's correlation: the key map (1, C, H, W) convolved with a batch of query
/// kernels (R, C, k, k) at padding k/2 (`F.conv2d(key, kernels, padding=k/2)`), giving
/// (1, R, H + 2(k/2) - k + 1, ...), i.e. (1, 36, 385, 225) for CLIPort. It is a convolution whose
/// "weights" are activations, so both sides get gradients.
///
/// Plain im2col would need a (C·k·k) x (385·225) = 1 G-float column matrix. Instead the key is unrolled
/// along x only: B[(c, j), (y', x)] = P[c, y', x + j] for the padded key P, a (C·k) x (Hp·Wo) matrix
/// (77 MB for CLIPort; less with an output window). Kernel row i then contributes A_i B[:, shifted
/// by i rows], with
/// A_i[r, (c, j)] = K[r, c, i, j]: k GEMMs over a shifted view of one matrix. The work is done in
/// blocks of output columns so the accumulating block stays in cache.
public enum Correlation {
    /// Output columns per block (`ComputeSettings.correlationBlockColumns`).
    static var blockColumns: Int { ComputeSettings.current.correlationBlockColumns }

    struct Geometry {
        let c, h, w, r, k, pad, hp, wp, ho, wo: Int
        /// The computed window of the output: rows [wy, wy + wh), columns [wx, wx + ww).
        let wy, wx, wh, ww: Int
        init(key: [Int], kernels: [Int], window: PixelWindow?) {
            precondition(key.count == 4 && key[0] == 1, "correlation: key must be (1, C, H, W), got \(key)")
            precondition(kernels.count == 4 && kernels[2] == kernels[3] && kernels[1] == key[1],
                         "correlation: kernels must be (R, \(key[1]), k, k), got \(kernels)")
            c = key[1]; h = key[2]; w = key[3]; r = kernels[0]; k = kernels[2]; pad = k / 2
            hp = h + 2 * pad; wp = w + 2 * pad
            ho = hp - k + 1; wo = wp - k + 1
            precondition(ho > 0 && wo > 0, "correlation: kernel \(k) larger than padded key \(hp)x\(wp)")
            let win = window ?? PixelWindow(top: 0, left: 0, height: ho, width: wo)
            precondition(win.top >= 0 && win.left >= 0 && win.height > 0 && win.width > 0
                         && win.top + win.height <= ho && win.left + win.width <= wo,
                         "correlation: window \(win) outside the \(ho)x\(wo) output")
            wy = win.top; wx = win.left; wh = win.height; ww = win.width
        }
        var ck: Int { c * k }
        /// Output elements computed (the window).
        var n: Int { wh * ww }
        /// Columns of the unrolled key: (wh + k - 1) padded rows of ww columns.
        var unrolledColumns: Int { (wh + k - 1) * ww }
    }

    /// Scatters a computed window [R, wh*ww] into a zero output [1, R, Ho, Wo].
    static func place(_ win: [Float], _ g: Geometry) -> Tensor {
        var out = Tensor.zeros([1, g.r, g.ho, g.wo])
        out.scalars.withUnsafeMutableBufferPointer { op in
            win.withUnsafeBufferPointer { wp in
                for r in 0..<g.r {
                    for y in 0..<g.wh {
                        (op.baseAddress! + (r * g.ho + g.wy + y) * g.wo + g.wx)
                            .update(from: wp.baseAddress! + (r * g.wh + y) * g.ww, count: g.ww)
                    }
                }
            }
        }
        return out
    }

    /// The window of a full output gradient as [R, wh*ww].
    static func gather(_ full: Tensor, _ g: Geometry) -> [Float] {
        var win = [Float](repeating: 0, count: g.r * g.n)
        full.scalars.withUnsafeBufferPointer { fp in
            win.withUnsafeMutableBufferPointer { wp in
                for r in 0..<g.r {
                    for y in 0..<g.wh {
                        (wp.baseAddress! + (r * g.wh + y) * g.ww)
                            .update(from: fp.baseAddress! + (r * g.ho + g.wy + y) * g.wo + g.wx, count: g.ww)
                    }
                }
            }
        }
        return win
    }

    /// The correlation; with `window`, only that part of the output is computed (the rest is zero):
    /// the transport module needs only the pixels its resize-and-crop reads, 60 % of the whole.
    public static func forward(key: Tensor, kernels: Tensor, window: PixelWindow? = nil) -> Tensor {
        let g = Geometry(key: key.shape, kernels: kernels.shape, window: window)
        FlopCounter.add(2 * Double(g.r * g.ck * g.k) * Double(g.n))
        let b = unroll(key, g)
        let a = packKernels(kernels, g)
        var out = [Float](repeating: 0, count: g.r * g.n)
        b.withUnsafeBufferPointer { bp in
        a.withUnsafeBufferPointer { ap in
        out.withUnsafeMutableBufferPointer { op in
            var n0 = 0
            while n0 < g.n {
                let nb = min(blockColumns, g.n - n0)
                for i in 0..<g.k {
                    BLAS.sgemm(m: g.r, n: nb, k: g.ck, a: ap.baseAddress! + i * g.r * g.ck, lda: g.ck,
                               b: bp.baseAddress! + i * g.ww + n0, ldb: g.unrolledColumns,
                               beta: i == 0 ? 0 : 1, c: op.baseAddress! + n0, ldc: g.n)
                }
                n0 += nb
            }
        }}}
        return place(out, g)
    }

    /// Gradients with respect to the key map (nil when `keyGradient` is false) and the kernels.
    /// With `window`, the output gradient outside it is taken as zero (as it is after the transport
    /// module's crop).
    public static func backward(_ gradOutput: Tensor, key: Tensor, kernels: Tensor, window: PixelWindow? = nil,
                                keyGradient: Bool = true) -> (key: Tensor?, kernels: Tensor) {
        let g = Geometry(key: key.shape, kernels: kernels.shape, window: window)
        precondition(gradOutput.shape == [1, g.r, g.ho, g.wo], "correlation backward: gradient shape \(gradOutput.shape)")
        let gradWindow = gather(gradOutput, g)
        FlopCounter.add(2 * Double(g.r * g.ck * g.k) * Double(g.n) * (keyGradient ? 2 : 1))
        let b = unroll(key, g)
        let a = packKernels(kernels, g)
        var gA = [Float](repeating: 0, count: g.k * g.r * g.ck)
        var gB = [Float](repeating: 0, count: keyGradient ? g.ck * g.unrolledColumns : 0)
        let cols = g.unrolledColumns
        b.withUnsafeBufferPointer { bp in
        a.withUnsafeBufferPointer { ap in
        gradWindow.withUnsafeBufferPointer { gp in
        gA.withUnsafeMutableBufferPointer { gap in
        gB.withUnsafeMutableBufferPointer { gbp in
            var m0 = 0
            while m0 < cols {
                let m1 = min(cols, m0 + blockColumns)
                for i in 0..<g.k {
                    // Columns m of B meet output columns m - i*ww, which must lie in [0, n).
                    let lo = max(m0, i * g.ww), hi = min(m1, i * g.ww + g.n)
                    if lo >= hi { continue }
                    let go = gp.baseAddress! + (lo - i * g.ww)
                    // dA_i[R, Ck] += dOut[R, cols] * B[Ck, cols]^T
                    BLAS.sgemm(transposeB: true, m: g.r, n: g.ck, k: hi - lo, a: go, lda: g.n,
                               b: bp.baseAddress! + lo, ldb: cols, beta: 1,
                               c: gap.baseAddress! + i * g.r * g.ck, ldc: g.ck)
                    if keyGradient {
                        // dB[Ck, cols] += A_i[R, Ck]^T * dOut[R, cols]
                        BLAS.sgemm(transposeA: true, m: g.ck, n: hi - lo, k: g.r, a: ap.baseAddress! + i * g.r * g.ck,
                                   lda: g.ck, b: go, ldb: g.n, beta: 1, c: gbp.baseAddress! + lo, ldc: cols)
                    }
                }
                m0 = m1
            }
        }}}}}
        // Unpack dA_i[r, (c, j)] into dK[r, c, i, j].
        var gK = Tensor.zeros(kernels.shape)
        for i in 0..<g.k {
            for r in 0..<g.r {
                for c in 0..<g.c {
                    for j in 0..<g.k {
                        gK.scalars[((r * g.c + c) * g.k + i) * g.k + j] = gA[(i * g.r + r) * g.ck + c * g.k + j]
                    }
                }
            }
        }
        return (keyGradient ? fold(gB, g) : nil, gK)
    }

    /// B[(c, j), y'' * ww + x] = P[c, wy + y'', wx + x + j], P the key zero-padded by k/2.
    static func unroll(_ key: Tensor, _ g: Geometry) -> [Float] {
        var b = [Float](repeating: 0, count: g.ck * g.unrolledColumns)
        key.scalars.withUnsafeBufferPointer { kp in
        b.withUnsafeMutableBufferPointer { bp in
            let kb = kp.baseAddress!, bb = bp.baseAddress!
            parallelFor(g.ck, work: g.ck * g.unrolledColumns) { row in
                let c = row / g.k, j = row % g.k
                let dst = bb + row * g.unrolledColumns
                // Key column wx + x + j - pad must lie in [0, W): x in [xLo, xHi).
                let off = g.wx + j - g.pad
                let xLo = min(g.ww, max(0, -off)), xHi = max(xLo, min(g.ww, g.w - off))
                guard xLo < xHi else { return }
                for yy in 0..<(g.wh + g.k - 1) {
                    let ky = g.wy + yy - g.pad
                    guard ky >= 0 && ky < g.h else { continue }
                    (dst + yy * g.ww + xLo).update(from: kb + (c * g.h + ky) * g.w + xLo + off, count: xHi - xLo)
                }
            }
        }}
        return b
    }

    /// Adjoint of `unroll`: adds dB back onto the key pixels it was copied from.
    static func fold(_ gb: [Float], _ g: Geometry) -> Tensor {
        var gk = Tensor.zeros([1, g.c, g.h, g.w])
        gb.withUnsafeBufferPointer { bp in
        gk.scalars.withUnsafeMutableBufferPointer { kp in
            let bb = bp.baseAddress!, kb = kp.baseAddress!
            parallelFor(g.c, work: g.ck * g.unrolledColumns) { c in
                for j in 0..<g.k {
                    let src = bb + (c * g.k + j) * g.unrolledColumns
                    let off = g.wx + j - g.pad
                    let xLo = min(g.ww, max(0, -off)), xHi = max(xLo, min(g.ww, g.w - off))
                    guard xLo < xHi else { continue }
                    for yy in 0..<(g.wh + g.k - 1) {
                        let ky = g.wy + yy - g.pad
                        guard ky >= 0 && ky < g.h else { continue }
                        let s = src + yy * g.ww
                        let d = kb + (c * g.h + ky) * g.w + off
                        for x in xLo..<xHi { d[x] += s[x] }
                    }
                }
            }
        }}
        return gk
    }

    /// A_i[r, (c, j)] = K[r, c, i, j], stored as k consecutive R x (C·k) matrices.
    static func packKernels(_ kernels: Tensor, _ g: Geometry) -> [Float] {
        var a = [Float](repeating: 0, count: g.k * g.r * g.ck)
        for i in 0..<g.k {
            for r in 0..<g.r {
                for c in 0..<g.c {
                    for j in 0..<g.k {
                        a[(i * g.r + r) * g.ck + c * g.k + j] = kernels.scalars[((r * g.c + c) * g.k + i) * g.k + j]
                    }
                }
            }
        }
        return a
    }
}
