import Dispatch
import Foundation

/// The transport module's correlation (`Correlation`: conv2d of the key [1, C, H, W] with the kernels
/// [R, C, k, k] at padding k/2, only an output window computed) done with FFTs: same shapes, same
/// window semantics, same gradients, a few hundred MFLOP instead of ~77 GFLOP forward and ~153 backward
/// at CLIPort's size, and independent of the networks' width.
///
/// Per axis, only the key rows that feed the window matter (the zero padding adds nothing). They are
/// placed at the start of an N-point grid and each kernel at the origin; then output y of the window is
/// the circular cross-correlation z at (y + wy - s0) mod N, where s0 is the padded-key row of the first
/// kept key row. N is the smallest 2^a 3^b 5^c with no wrap-around into the window:
/// N >= max(s1 - wy, wy + wh + k - 1 - s0, wh, k). For CLIPort's window (321 x 161) that is 384 x 225.
///
/// In the Fourier domain, with X_c the key spectra, K_rc the kernel spectra and G_r the spectra of the
/// output gradient (placed where the output came from):
///   forward    Z_r  = Σ_c X_c · conj(K_rc)
///   kernels    dK_rc = IDFT(X_c · conj(G_r)), its first k x k values
///   key        dX_c  = IDFT(Σ_r G_r · K_rc), on the kept key region (the rest of the key gets zero)
/// The matrix-product FLOP counter is not advanced: there are no matrix products.
public enum FFTCorrelation {
    /// What a forward pass leaves for its backward pass: the key and kernel spectra, and the inputs
    /// they belong to. Backward uses them only when it gets the very same key, kernels and window
    /// (compared by value; the same arrays compare in O(1)), otherwise it recomputes them. Not for use
    /// from two threads at once; one per transport module.
    public final class Saved {
        var key: Tensor?, kernels: Tensor?, window: PixelWindow?
        var gridRows = 0, gridColumns = 0
        var keySpectra = [Float](), kernelSpectra = [Float]()
        public init() {}

        /// Frees the spectra (about 40 MB at CLIPort's size).
        public func clear() {
            key = nil; kernels = nil; window = nil
            keySpectra = []; kernelSpectra = []
        }

        func matches(key: Tensor, kernels: Tensor, window: PixelWindow?, _ l: Layout) -> Bool {
            self.window == window && gridRows == l.fft.rows && gridColumns == l.fft.columns
                && self.key == key && self.kernels == kernels
        }
    }

    struct Layout {
        let c, h, w, r, k, pad, ho, wo: Int
        /// The output window: rows [wy, wy + wh), columns [wx, wx + ww).
        let wy, wx, wh, ww: Int
        /// The key region feeding the window, in key coordinates: rows [ky, ky + m1), columns [kx, kx + m2).
        let ky, kx, m1, m2: Int
        /// Grid position of window element (0, 0).
        let oy, ox: Int
        let fft: RealFFT2D

        init(key: [Int], kernels: [Int], window: PixelWindow?) {
            // The same shapes, checks and window as the GEMM correlation.
            let g = Correlation.Geometry(key: key, kernels: kernels, window: window)
            c = g.c; h = g.h; w = g.w; r = g.r; k = g.k; pad = g.pad; ho = g.ho; wo = g.wo
            wy = g.wy; wx = g.wx; wh = g.wh; ww = g.ww
            let rows = Layout.axis(size: h, pad: pad, k: k, start: wy, count: wh)
            let cols = Layout.axis(size: w, pad: pad, k: k, start: wx, count: ww)
            ky = rows.keyStart; m1 = rows.keyCount; oy = rows.offset
            kx = cols.keyStart; m2 = cols.keyCount; ox = cols.offset
            fft = RealFFT2D(rows: rows.grid, columns: cols.grid)
        }

        /// One axis: key samples [s0, s1) of the padded key feed window [start, start + count).
        static func axis(size: Int, pad: Int, k: Int, start: Int, count: Int)
            -> (keyStart: Int, keyCount: Int, grid: Int, offset: Int) {
            let s0 = max(start, pad), s1 = min(start + count + k - 1, pad + size)
            let need = max(s1 - start, start + count + k - 1 - s0, count, k)
            var n = FFTPlan.goodLength(atLeast: need)
            if ComputeSettings.current.fftPowerOfTwoGrid { n = 1; while n < need { n *= 2 } }
            return (s0 - pad, max(0, s1 - s0), n, (n + start - s0) % n)
        }

        var spectrumFloats: Int { 2 * fft.halfCount }
        var scale: Float { 1 / Float(fft.rows * fft.columns) }
    }

    /// The FFT grid (rows, columns) the correlation of these shapes uses.
    public static func grid(key: [Int], kernels: [Int], window: PixelWindow?) -> [Int] {
        let l = Layout(key: key, kernels: kernels, window: window)
        return [l.fft.rows, l.fft.columns]
    }

    /// The correlation; with `window`, only that part of the output is computed (the rest is zero).
    /// With `saved`, the spectra are kept there for `backward`.
    public static func forward(key: Tensor, kernels: Tensor, window: PixelWindow? = nil, saved: Saved? = nil) -> Tensor {
        let l = Layout(key: key.shape, kernels: kernels.shape, window: window)
        var keySpectra = saved?.keySpectra ?? [], kernelSpectra = saved?.kernelSpectra ?? []
        saved?.clear() // drop the references so the arrays are reused in place, not copied
        computeSpectra(key: key, kernels: kernels, l, keyInto: &keySpectra, kernelsInto: &kernelSpectra)
        var out = Tensor.zeros([1, l.r, l.ho, l.wo])
        guard l.m1 > 0 && l.m2 > 0 else { return out }
        let s = l.spectrumFloats, hn = l.fft.halfCount, scale = l.scale
        keySpectra.withUnsafeBufferPointer { xs in
        kernelSpectra.withUnsafeBufferPointer { ks in
        out.scalars.withUnsafeMutableBufferPointer { op in
            let x = xs.baseAddress!, kk = ks.baseAddress!, o = op.baseAddress!
            runJobs((l.r + 1) / 2, l.fft) { job, ws in
                let r0 = 2 * job, pair = r0 + 1 < l.r
                for (h, r) in [(ws.half1, r0), (ws.half2, r0 + 1)] where r < l.r {
                    productSum(hn, (0..<l.c).map { c in (x + c * s, kk + (r * l.c + c) * s) }, conjugate: true, into: h)
                }
                let dst = o + l.wy * l.wo + l.wx
                l.fft.inversePair(ws.half1, pair ? ws.half2 : nil, rows: l.oy, count: l.wh, columns: l.ox, count: l.ww,
                                  scale: scale, into: dst + r0 * l.ho * l.wo, pair ? dst + (r0 + 1) * l.ho * l.wo : nil,
                                  stride: l.wo, workspace: ws)
            }
        }}}
        if let saved {
            saved.key = key; saved.kernels = kernels; saved.window = window
            saved.gridRows = l.fft.rows; saved.gridColumns = l.fft.columns
            saved.keySpectra = keySpectra; saved.kernelSpectra = kernelSpectra
        }
        return out
    }

    /// Gradients with respect to the key map (nil when `keyGradient` is false) and the kernels, as
    /// `Correlation.backward`: with `window`, the output gradient outside it is ignored. `saved` from
    /// the matching forward pass saves recomputing the key and kernel spectra.
    public static func backward(_ gradOutput: Tensor, key: Tensor, kernels: Tensor, window: PixelWindow? = nil,
                                keyGradient: Bool = true, saved: Saved? = nil) -> (key: Tensor?, kernels: Tensor) {
        let l = Layout(key: key.shape, kernels: kernels.shape, window: window)
        precondition(gradOutput.shape == [1, l.r, l.ho, l.wo], "correlation backward: gradient shape \(gradOutput.shape)")
        var gK = Tensor.zeros(kernels.shape)
        var gKey = Tensor.zeros(keyGradient ? key.shape : [0])
        guard l.m1 > 0 && l.m2 > 0 else { return (keyGradient ? gKey : nil, gK) }
        var keySpectra = [Float](), kernelSpectra = [Float]()
        if let saved, saved.matches(key: key, kernels: kernels, window: window, l) {
            keySpectra = saved.keySpectra; kernelSpectra = saved.kernelSpectra
        } else {
            computeSpectra(key: key, kernels: keyGradient ? kernels : nil, l, keyInto: &keySpectra, kernelsInto: &kernelSpectra)
        }
        let s = l.spectrumFloats, hn = l.fft.halfCount, scale = l.scale
        // Output-gradient spectra, each window placed where forward read the output from.
        var gradSpectra = [Float](unsafeUninitializedCapacity: l.r * s) { _, n in n = l.r * s }
        gradOutput.scalars.withUnsafeBufferPointer { gp in
        gradSpectra.withUnsafeMutableBufferPointer { gs in
            let g = gp.baseAddress! + l.wy * l.wo + l.wx, d = gs.baseAddress!
            runJobs((l.r + 1) / 2, l.fft) { job, ws in
                let r0 = 2 * job, pair = r0 + 1 < l.r
                l.fft.forwardPair(g + r0 * l.ho * l.wo, pair ? g + (r0 + 1) * l.ho * l.wo : nil, height: l.wh, width: l.ww,
                                  stride: l.wo, at: l.oy, l.ox, into: d + r0 * s, pair ? d + (r0 + 1) * s : nil, workspace: ws)
            }
        }}
        let images = l.r * l.c
        let kernelJobs = (images + 1) / 2, keyJobs = keyGradient ? (l.c + 1) / 2 : 0
        keySpectra.withUnsafeBufferPointer { xs in
        kernelSpectra.withUnsafeBufferPointer { ks in
        gradSpectra.withUnsafeBufferPointer { gs in
        gK.scalars.withUnsafeMutableBufferPointer { gkp in
        gKey.scalars.withUnsafeMutableBufferPointer { gxp in
            let x = xs.baseAddress!, g = gs.baseAddress!, dK = gkp.baseAddress!
            runJobs(keyJobs + kernelJobs, l.fft) { job, ws in
                if job < keyJobs {
                    // dX_c = IDFT(Σ_r G_r · K_rc) on the kept key region.
                    let c0 = 2 * job, pair = c0 + 1 < l.c
                    let kk = ks.baseAddress!
                    for (h, c) in [(ws.half1, c0), (ws.half2, c0 + 1)] where c < l.c {
                        productSum(hn, (0..<l.r).map { r in (g + r * s, kk + (r * l.c + c) * s) }, conjugate: false, into: h)
                    }
                    let dst = gxp.baseAddress! + l.ky * l.w + l.kx
                    l.fft.inversePair(ws.half1, pair ? ws.half2 : nil, rows: 0, count: l.m1, columns: 0, count: l.m2,
                                      scale: scale, into: dst + c0 * l.h * l.w, pair ? dst + (c0 + 1) * l.h * l.w : nil,
                                      stride: l.w, workspace: ws)
                } else {
                    // dK_rc = IDFT(X_c · conj(G_r)), its first k x k values; image q = r·C + c.
                    let q0 = 2 * (job - keyJobs), pair = q0 + 1 < images
                    for (h, q) in [(ws.half1, q0), (ws.half2, q0 + 1)] where q < images {
                        productSum(hn, [(x + (q % l.c) * s, g + (q / l.c) * s)], conjugate: true, into: h)
                    }
                    let kk = l.k * l.k
                    l.fft.inversePair(ws.half1, pair ? ws.half2 : nil, rows: 0, count: l.k, columns: 0, count: l.k,
                                      scale: scale, into: dK + q0 * kk, pair ? dK + (q0 + 1) * kk : nil,
                                      stride: l.k, workspace: ws)
                }
            }
        }}}}}
        return (keyGradient ? gKey : nil, gK)
    }

    /// Half spectra of the key's kept region (C of them) and, unless `kernels` is nil, of the R·C
    /// kernels, into the arrays (resized as needed, reused when already the right size).
    static func computeSpectra(key: Tensor, kernels: Tensor?, _ l: Layout,
                               keyInto keySpectra: inout [Float], kernelsInto kernelSpectra: inout [Float]) {
        let s = l.spectrumFloats
        let images = kernels == nil ? 0 : l.r * l.c
        if keySpectra.count != l.c * s { keySpectra = [Float](unsafeUninitializedCapacity: l.c * s) { _, n in n = l.c * s } }
        if kernelSpectra.count != images * s {
            kernelSpectra = [Float](unsafeUninitializedCapacity: images * s) { _, n in n = images * s }
        }
        guard l.m1 > 0 && l.m2 > 0 else { return }
        let kernelScalars = kernels?.scalars ?? []
        let keyJobs = (l.c + 1) / 2, kernelJobs = (images + 1) / 2
        key.scalars.withUnsafeBufferPointer { kp in
        kernelScalars.withUnsafeBufferPointer { qp in
        keySpectra.withUnsafeMutableBufferPointer { xs in
        kernelSpectra.withUnsafeMutableBufferPointer { ks in
            runJobs(keyJobs + kernelJobs, l.fft) { job, ws in
                if job < keyJobs {
                    let c0 = 2 * job, pair = c0 + 1 < l.c
                    let src = kp.baseAddress! + l.ky * l.w + l.kx, plane = l.h * l.w
                    let dst = xs.baseAddress!
                    l.fft.forwardPair(src + c0 * plane, pair ? src + (c0 + 1) * plane : nil, height: l.m1, width: l.m2,
                                      stride: l.w, into: dst + c0 * s, pair ? dst + (c0 + 1) * s : nil, workspace: ws)
                } else {
                    let q0 = 2 * (job - keyJobs), pair = q0 + 1 < images, kk = l.k * l.k
                    let src = qp.baseAddress!, dst = ks.baseAddress!
                    l.fft.forwardPair(src + q0 * kk, pair ? src + (q0 + 1) * kk : nil, height: l.k, width: l.k,
                                      stride: l.k, into: dst + q0 * s, pair ? dst + (q0 + 1) * s : nil, workspace: ws)
                }
            }
        }}}}
    }

    /// h = Σ_i a_i · b_i (or a_i · conj(b_i)) over `count` split-complex values (real parts, then at
    /// +count the imaginary parts).
    static func productSum(_ count: Int, _ terms: [(UnsafePointer<Float>, UnsafePointer<Float>)], conjugate: Bool,
                           into h: UnsafeMutablePointer<Float>) {
        for (t, (a, b)) in terms.enumerated() {
            let hr = h, hi = h + count, ar = a, ai = a + count, br = b, bi = b + count
            let first = t == 0, sign: Float = conjugate ? -1 : 1
            forEachLane(count) { e, width in
                switch width {
                case .wide: complexMultiplyAdd(SIMD8<Float>.self, ar + e, ai + e, br + e, bi + e, sign, first, hr + e, hi + e)
                case .single: complexMultiplyAdd(Float.self, ar + e, ai + e, br + e, bi + e, sign, first, hr + e, hi + e)
                }
            }
        }
    }

    /// Runs jobs 0..<count over the cores, each worker with its own FFT workspace; jobs are handed out
    /// one at a time so a core slowed by other processes takes fewer.
    static func runJobs(_ count: Int, _ fft: RealFFT2D, _ body: (Int, RealFFT2D.Workspace) -> Void) {
        guard count > 0 else { return }
        let workers = ConcurrentBranches.isActive ? 1 : min(count, ProcessInfoCores.count)
        let lock = NSLock()
        var next = 0
        func take() -> Int { lock.lock(); defer { lock.unlock() }; next += 1; return next - 1 }
        let settings = ComputeSettings.current
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let ws = RealFFT2D.Workspace(fft)
            ComputeSettings.with(settings) {
                while true {
                    let job = take()
                    if job >= count { break }
                    body(job, ws)
                }
            }
        }
    }
}

/// h (+)= a · (br + i·sign·bi).
@inline(__always)
func complexMultiplyAdd<V: FFTLanes>(_: V.Type, _ ar: UnsafePointer<Float>, _ ai: UnsafePointer<Float>,
                                     _ br: UnsafePointer<Float>, _ bi: UnsafePointer<Float>, _ sign: Float, _ first: Bool,
                                     _ hr: UnsafeMutablePointer<Float>, _ hi: UnsafeMutablePointer<Float>) {
    let xr = V(ar), xi = V(ai), yr = V(br), yi = V(bi) * sign
    let pr = xr * yr - xi * yi, pi = xr * yi + xi * yr
    if first { pr.store(hr); pi.store(hi) } else { (V(UnsafePointer(hr)) + pr).store(hr); (V(UnsafePointer(hi)) + pi).store(hi) }
}
