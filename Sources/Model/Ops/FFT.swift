import FFTW
import Foundation

/// Fast Fourier transforms for the FFT correlation (`FFTCorrelation`), in plain Swift.
///
/// `FFTPlan` transforms many sequences at once along the *outer* axis of a split-complex array: element
/// t of sequence b sits at `t * batch + b`. A mixed-radix (4, 2, 3, 5) Stockham step then reads and
/// writes whole contiguous blocks of `stride * batch` elements with one scalar twiddle, so every inner
/// loop is a long unit-stride SIMD loop and no bit reversal is needed (the output is in natural order,
/// in one of the two buffers). `RealFFT2D` builds 2-D transforms of real images from it: two real
/// images packed as one complex image, both axes done as outer-axis passes with a transpose between.

/// Unaligned SIMD or scalar access to `Float` buffers, so one generic butterfly serves the SIMD body
/// and the scalar tail of a loop.
@usableFromInline
protocol FFTLanes {
    static var laneCount: Int { get }
    init(_ p: UnsafePointer<Float>)
    func store(_ p: UnsafeMutablePointer<Float>)
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Float) -> Self
    static func * (a: Self, b: Self) -> Self
}

extension Float: FFTLanes {
    @usableFromInline static var laneCount: Int { 1 }
    @inlinable @inline(__always) init(_ p: UnsafePointer<Float>) { self = p.pointee }
    @inlinable @inline(__always) func store(_ p: UnsafeMutablePointer<Float>) { p.pointee = self }
}

extension SIMD8: FFTLanes where Scalar == Float {
    @usableFromInline static var laneCount: Int { 8 }
    @inlinable @inline(__always) init(_ p: UnsafePointer<Float>) {
        self = UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }
    @inlinable @inline(__always) func store(_ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: self, as: SIMD8<Float>.self)
    }
}

/// Runs `body(offset, lanes)` over [0, count): SIMD8 chunks, then single elements.
@inline(__always)
func forEachLane(_ count: Int, _ body: (Int, FFTLaneWidth) -> Void) {
    var e = 0
    while e + 8 <= count { body(e, .wide); e += 8 }
    while e < count { body(e, .single); e += 1 }
}

enum FFTLaneWidth { case wide, single }

/// n-point DFTs, n = 2^a 3^b 5^c, of `batch` sequences interleaved along the outer axis.
public struct FFTPlan: Sendable {
    public let length: Int
    /// Radix of each Stockham step, first step first.
    let radices: [Int]
    /// Per step of radix r on the current length n (m = n / r): w^(p·k) = exp(-2πi p k / n) for
    /// p in 0..<m, k in 1..<r, at p·(r-1) + k-1.
    let twiddleRe: [[Float]], twiddleIm: [[Float]]

    public static func isSupported(_ n: Int) -> Bool {
        guard n >= 1 else { return false }
        var m = n
        for p in [2, 3, 5] { while m % p == 0 { m /= p } }
        return m == 1
    }

    /// The smallest supported length >= n (the FFT size for a transform that must hold n samples).
    public static func goodLength(atLeast n: Int) -> Int {
        var m = max(1, n)
        while !isSupported(m) { m += 1 }
        return m
    }

    public init(length n: Int) {
        precondition(FFTPlan.isSupported(n),
                     "FFTPlan: length \(n) is not a product of 2, 3 and 5; pick one with FFTPlan.goodLength(atLeast:)")
        length = n
        var rest = n, radices = [Int]()
        // Radix 4 first: fewest passes over memory for the power-of-two part.
        while rest % 4 == 0 { radices.append(4); rest /= 4 }
        for p in [2, 3, 5] { while rest % p == 0 { radices.append(p); rest /= p } }
        self.radices = radices
        var tr = [[Float]](), ti = [[Float]]()
        var current = n
        for r in radices {
            let m = current / r
            var re = [Float](repeating: 0, count: m * (r - 1)), im = re
            for p in 0..<m {
                for k in 1..<r {
                    // Reduce p·k mod n first: the angle stays exact in Double.
                    let a = -2 * Double.pi * Double((p * k) % current) / Double(current)
                    re[p * (r - 1) + k - 1] = Float(cos(a)); im[p * (r - 1) + k - 1] = Float(sin(a))
                }
            }
            tr.append(re); ti.append(im)
            current = m
        }
        twiddleRe = tr; twiddleIm = ti
    }

    public typealias SplitPointers = (re: UnsafeMutablePointer<Float>, im: UnsafeMutablePointer<Float>)

    /// Unnormalised forward DFT (exp(-2πi f t / n)) of the `batch` sequences in `data`; `scratch` has
    /// the same size (length · batch elements each). Both are overwritten; the result is in the pair
    /// returned (one of the two).
    /// `nonzero`: only the first `nonzero` elements of each sequence may be nonzero (the rest are
    /// still read unless the first step can skip them: a zero-padded kernel then costs less).
    @discardableResult
    public func forward(_ data: SplitPointers, scratch: SplitPointers, batch: Int, nonzero: Int? = nil) -> SplitPointers {
        var x = data, y = scratch
        var current = length
        for (step, r) in radices.enumerated() {
            let m = current / r
            let span = (length / current) * batch
            twiddleRe[step].withUnsafeBufferPointer { wr in
                twiddleIm[step].withUnsafeBufferPointer { wi in
                    if step == 0, let nonzero, nonzero <= m {
                        FFTPlan.firstStepOfShortInput(radix: r, m: m, nonzero: nonzero, span: span, wr.baseAddress!, wi.baseAddress!, x, y)
                    } else {
                        FFTPlan.step(radix: r, m: m, span: span, wr.baseAddress!, wi.baseAddress!, x, y)
                    }
                }
            }
            swap(&x, &y)
            current = m
        }
        return x
    }

    /// Unnormalised inverse DFT (exp(+2πi f t / n)): the forward transform with real and imaginary
    /// parts exchanged on the way in and out.
    @discardableResult
    public func inverse(_ data: SplitPointers, scratch: SplitPointers, batch: Int, nonzero: Int? = nil) -> SplitPointers {
        let r = forward((data.im, data.re), scratch: (scratch.im, scratch.re), batch: batch, nonzero: nonzero)
        return (r.im, r.re)
    }

    /// Whether `forward(..., nonzero:)` never reads the elements past `nonzero`.
    public func skipsInputs(beyond nonzero: Int) -> Bool {
        radices.isEmpty || nonzero <= length / radices[0]
    }

    /// The first step when inputs p + j·m are zero for j >= 1 (only p < nonzero <= m can be nonzero):
    /// output k of butterfly p is a_0 · w^(pk).
    static func firstStepOfShortInput(radix r: Int, m: Int, nonzero: Int, span: Int, _ wr: UnsafePointer<Float>,
                                      _ wi: UnsafePointer<Float>, _ x: SplitPointers, _ y: SplitPointers) {
        for p in 0..<m {
            let yr = y.re + r * p * span, yi = y.im + r * p * span
            guard p < nonzero else {
                yr.update(repeating: 0, count: r * span); yi.update(repeating: 0, count: r * span)
                continue
            }
            let xr = UnsafePointer(x.re + p * span), xi = UnsafePointer(x.im + p * span)
            yr.update(from: xr, count: span); yi.update(from: xi, count: span)
            for k in 1..<r {
                let w = (wr[p * (r - 1) + k - 1], wi[p * (r - 1) + k - 1])
                let or = yr + k * span, oi = yi + k * span
                forEachLane(span) { e, width in
                    switch width {
                    case .wide: storeTwiddled(SIMD8<Float>(xr + e), SIMD8<Float>(xi + e), w, or + e, oi + e)
                    case .single: storeTwiddled(Float(xr + e), Float(xi + e), w, or + e, oi + e)
                    }
                }
            }
        }
    }

    /// One Stockham step: input element (p + j·m) and output element (r·p + k) are blocks of `span`
    /// contiguous values; output k of butterfly p = (Σ_j a_j ω_r^(jk)) · w^(pk).
    static func step(radix r: Int, m: Int, span: Int, _ wr: UnsafePointer<Float>, _ wi: UnsafePointer<Float>,
                     _ x: SplitPointers, _ y: SplitPointers) {
        let din = m * span
        for p in 0..<m {
            let xr = UnsafePointer(x.re + p * span), xi = UnsafePointer(x.im + p * span)
            let yr = y.re + r * p * span, yi = y.im + r * p * span
            let tw = p * (r - 1)
            switch r {
            case 2:
                let w1 = (wr[tw], wi[tw])
                forEachLane(span) { e, width in
                    switch width {
                    case .wide: radix2(SIMD8<Float>.self, xr + e, xi + e, din, yr + e, yi + e, span, w1)
                    case .single: radix2(Float.self, xr + e, xi + e, din, yr + e, yi + e, span, w1)
                    }
                }
            case 3:
                let w1 = (wr[tw], wi[tw]), w2 = (wr[tw + 1], wi[tw + 1])
                forEachLane(span) { e, width in
                    switch width {
                    case .wide: radix3(SIMD8<Float>.self, xr + e, xi + e, din, yr + e, yi + e, span, w1, w2)
                    case .single: radix3(Float.self, xr + e, xi + e, din, yr + e, yi + e, span, w1, w2)
                    }
                }
            case 4:
                let w1 = (wr[tw], wi[tw]), w2 = (wr[tw + 1], wi[tw + 1]), w3 = (wr[tw + 2], wi[tw + 2])
                forEachLane(span) { e, width in
                    switch width {
                    case .wide: radix4(SIMD8<Float>.self, xr + e, xi + e, din, yr + e, yi + e, span, w1, w2, w3)
                    case .single: radix4(Float.self, xr + e, xi + e, din, yr + e, yi + e, span, w1, w2, w3)
                    }
                }
            case 5:
                let w1 = (wr[tw], wi[tw]), w2 = (wr[tw + 1], wi[tw + 1])
                let w3 = (wr[tw + 2], wi[tw + 2]), w4 = (wr[tw + 3], wi[tw + 3])
                forEachLane(span) { e, width in
                    switch width {
                    case .wide: radix5(SIMD8<Float>.self, xr + e, xi + e, din, yr + e, yi + e, span, w1, w2, w3, w4)
                    case .single: radix5(Float.self, xr + e, xi + e, din, yr + e, yi + e, span, w1, w2, w3, w4)
                    }
                }
            default:
                preconditionFailure("FFTPlan: no butterfly for radix \(r)")
            }
        }
    }
}

typealias Twiddle = (Float, Float)

/// (a + ib)·(wr + i wi), stored at out.
@inline(__always)
func storeTwiddled<V: FFTLanes>(_ a: V, _ b: V, _ w: Twiddle, _ or: UnsafeMutablePointer<Float>, _ oi: UnsafeMutablePointer<Float>) {
    (a * w.0 - b * w.1).store(or)
    (a * w.1 + b * w.0).store(oi)
}

@inline(__always)
func radix2<V: FFTLanes>(_: V.Type, _ xr: UnsafePointer<Float>, _ xi: UnsafePointer<Float>, _ din: Int,
                         _ yr: UnsafeMutablePointer<Float>, _ yi: UnsafeMutablePointer<Float>, _ dout: Int, _ w1: Twiddle) {
    let a0r = V(xr), a0i = V(xi), a1r = V(xr + din), a1i = V(xi + din)
    (a0r + a1r).store(yr); (a0i + a1i).store(yi)
    storeTwiddled(a0r - a1r, a0i - a1i, w1, yr + dout, yi + dout)
}

@inline(__always)
func radix3<V: FFTLanes>(_: V.Type, _ xr: UnsafePointer<Float>, _ xi: UnsafePointer<Float>, _ din: Int,
                         _ yr: UnsafeMutablePointer<Float>, _ yi: UnsafeMutablePointer<Float>, _ dout: Int,
                         _ w1: Twiddle, _ w2: Twiddle) {
    let s: Float = 0.866_025_403_784_438_6 // sin(2π/3)
    let a0r = V(xr), a0i = V(xi), a1r = V(xr + din), a1i = V(xi + din), a2r = V(xr + 2 * din), a2i = V(xi + 2 * din)
    let tr = a1r + a2r, ti = a1i + a2i, dr = a1r - a2r, di = a1i - a2i
    (a0r + tr).store(yr); (a0i + ti).store(yi)
    let mr = a0r - tr * 0.5, mi = a0i - ti * 0.5
    // b1 = m - i·s·d, b2 = m + i·s·d
    storeTwiddled(mr + di * s, mi - dr * s, w1, yr + dout, yi + dout)
    storeTwiddled(mr - di * s, mi + dr * s, w2, yr + 2 * dout, yi + 2 * dout)
}

@inline(__always)
func radix4<V: FFTLanes>(_: V.Type, _ xr: UnsafePointer<Float>, _ xi: UnsafePointer<Float>, _ din: Int,
                         _ yr: UnsafeMutablePointer<Float>, _ yi: UnsafeMutablePointer<Float>, _ dout: Int,
                         _ w1: Twiddle, _ w2: Twiddle, _ w3: Twiddle) {
    let a0r = V(xr), a0i = V(xi), a1r = V(xr + din), a1i = V(xi + din)
    let a2r = V(xr + 2 * din), a2i = V(xi + 2 * din), a3r = V(xr + 3 * din), a3i = V(xi + 3 * din)
    let t0r = a0r + a2r, t0i = a0i + a2i, t1r = a0r - a2r, t1i = a0i - a2i
    let t2r = a1r + a3r, t2i = a1i + a3i, t3r = a1r - a3r, t3i = a1i - a3i
    (t0r + t2r).store(yr); (t0i + t2i).store(yi)
    // b1 = t1 - i·t3, b2 = t0 - t2, b3 = t1 + i·t3
    storeTwiddled(t1r + t3i, t1i - t3r, w1, yr + dout, yi + dout)
    storeTwiddled(t0r - t2r, t0i - t2i, w2, yr + 2 * dout, yi + 2 * dout)
    storeTwiddled(t1r - t3i, t1i + t3r, w3, yr + 3 * dout, yi + 3 * dout)
}

@inline(__always)
func radix5<V: FFTLanes>(_: V.Type, _ xr: UnsafePointer<Float>, _ xi: UnsafePointer<Float>, _ din: Int,
                         _ yr: UnsafeMutablePointer<Float>, _ yi: UnsafeMutablePointer<Float>, _ dout: Int,
                         _ w1: Twiddle, _ w2: Twiddle, _ w3: Twiddle, _ w4: Twiddle) {
    let c1: Float = 0.309_016_994_374_947_45, c2: Float = -0.809_016_994_374_947_5  // cos(2π/5), cos(4π/5)
    let s1: Float = 0.951_056_516_295_153_6, s2: Float = 0.587_785_252_292_473_1    // sin(2π/5), sin(4π/5)
    let a0r = V(xr), a0i = V(xi), a1r = V(xr + din), a1i = V(xi + din), a2r = V(xr + 2 * din), a2i = V(xi + 2 * din)
    let a3r = V(xr + 3 * din), a3i = V(xi + 3 * din), a4r = V(xr + 4 * din), a4i = V(xi + 4 * din)
    let t1r = a1r + a4r, t1i = a1i + a4i, d1r = a1r - a4r, d1i = a1i - a4i
    let t2r = a2r + a3r, t2i = a2i + a3i, d2r = a2r - a3r, d2i = a2i - a3i
    (a0r + t1r + t2r).store(yr); (a0i + t1i + t2i).store(yi)
    let m1r = a0r + t1r * c1 + t2r * c2, m1i = a0i + t1i * c1 + t2i * c2
    let m2r = a0r + t1r * c2 + t2r * c1, m2i = a0i + t1i * c2 + t2i * c1
    let n1r = d1r * s1 + d2r * s2, n1i = d1i * s1 + d2i * s2
    let n2r = d1r * s2 - d2r * s1, n2i = d1i * s2 - d2i * s1
    // b1 = m1 - i·n1, b4 = m1 + i·n1, b2 = m2 - i·n2, b3 = m2 + i·n2
    storeTwiddled(m1r + n1i, m1i - n1r, w1, yr + dout, yi + dout)
    storeTwiddled(m2r + n2i, m2i - n2r, w2, yr + 2 * dout, yi + 2 * dout)
    storeTwiddled(m2r - n2i, m2i + n2r, w3, yr + 3 * dout, yi + 3 * dout)
    storeTwiddled(m1r - n1i, m1i + n1r, w4, yr + 4 * dout, yi + 4 * dout)
}

/// 2-D DFTs of real images on an N1 x N2 grid (rows x columns), two images per complex transform.
/// A real image's spectrum is Hermitian, so only columns 0...N2/2 are kept: a half spectrum is
/// N1 x (N2/2 + 1) complex values, stored split (all real parts, then all imaginary parts).
public struct RealFFT2D: Sendable {
    public let rows: Int, columns: Int
    public let halfColumns: Int
    let rowPlan: FFTPlan, columnPlan: FFTPlan
    /// FFTW's plan when `ComputeSettings.fftLibrary` is `.fftw` at creation (then it does the transforms,
    /// one real image at a time, and the Stockham plans go unused).
    let library: FFTWRealPlan2D?

    public init(rows: Int, columns: Int) {
        self.rows = rows; self.columns = columns
        halfColumns = columns / 2 + 1
        rowPlan = FFTPlan(length: rows); columnPlan = FFTPlan(length: columns)
        library = ComputeSettings.current.fftLibrary == .fftw ? FFTWRealPlan2D.shared(rows: rows, columns: columns) : nil
    }

    /// Complex elements of one half spectrum; it takes twice as many floats.
    public var halfCount: Int { rows * halfColumns }

    /// Scratch for one thread: two N1 x N2 split-complex buffers (the transforms ping-pong between
    /// them) and two half spectra for the products that feed `inversePair`.
    public final class Workspace: @unchecked Sendable {
        let capacity: Int
        let a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>
        public let half1: UnsafeMutablePointer<Float>, half2: UnsafeMutablePointer<Float>
        let library: FFTWRealPlan2D.Buffers?
        public init(_ fft: RealFFT2D) {
            capacity = fft.rows * fft.columns
            a = .allocate(capacity: 2 * capacity); b = .allocate(capacity: 2 * capacity)
            half1 = .allocate(capacity: 2 * fft.halfCount); half2 = .allocate(capacity: 2 * fft.halfCount)
            library = fft.library?.makeBuffers()
        }
        deinit { a.deallocate(); b.deallocate(); half1.deallocate(); half2.deallocate() }
        var bufferA: FFTPlan.SplitPointers { (a, a + capacity) }
        var bufferB: FFTPlan.SplitPointers { (b, b + capacity) }
        func other(_ p: FFTPlan.SplitPointers) -> FFTPlan.SplitPointers { p.re == a ? bufferB : bufferA }
    }

    /// Half spectra of two real m1 x m2 images `a` and `b` (row stride `stride`; `b` nil means zero)
    /// placed on the grid with their element (0, 0) at (o1, o2), wrapping around. Writes 2·halfCount
    /// floats to `spectrumA` (and `spectrumB`).
    public func forwardPair(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>?, height m1: Int, width m2: Int,
                            stride: Int, at o1: Int = 0, _ o2: Int = 0,
                            into spectrumA: UnsafeMutablePointer<Float>, _ spectrumB: UnsafeMutablePointer<Float>?,
                            workspace ws: Workspace) {
        precondition(m1 <= rows && m2 <= columns, "RealFFT2D: image \(m1)x\(m2) larger than the \(rows)x\(columns) grid")
        let n1 = rows, n2 = columns
        if let plan = library, let buffers = ws.library {
            for (image, spectrum) in [(a, spectrumA), (b, spectrumB)] {
                guard let image, let spectrum else { continue }
                // The image on the zero grid at (o1, o2), wrapping around.
                let grid = buffers.grid
                grid.update(repeating: 0, count: n1 * n2)
                for i in 0..<m1 {
                    let row = grid + ((o1 + i) % n1) * n2, src = image + i * stride
                    if o2 + m2 <= n2 { (row + o2).update(from: src, count: m2) } else {
                        for j in 0..<m2 { row[(o2 + j) % n2] = src[j] }
                    }
                }
                plan.forward(buffers, real: spectrum, imaginary: spectrum + halfCount)
            }
            return
        }
        // 1. T[j][i] = a[i][j] + i·b[i][j] at column j' = (o2 + j) mod N2: [N2][m1], zero elsewhere.
        let t = ws.bufferA
        t.re.update(repeating: 0, count: n2 * m1); t.im.update(repeating: 0, count: n2 * m1)
        // In bands of 32 image rows, so the rows a column walk touches stay in L1.
        for i0 in Swift.stride(from: 0, to: m1, by: 32) {
            let i1 = min(m1, i0 + 32)
            for j in 0..<m2 {
                let dr = t.re + ((o2 + j) % n2) * m1, di = t.im + ((o2 + j) % n2) * m1
                for i in i0..<i1 { dr[i] = a[i &* stride &+ j] }
                if let b { for i in i0..<i1 { di[i] = b[i &* stride &+ j] } }
            }
        }
        // 2. Along the columns axis (length N2, m1 sequences).
        let rt = columnPlan.forward(t, scratch: ws.bufferB, batch: m1, nonzero: o2 + m2 <= n2 ? o2 + m2 : nil)
        // 3. U[(o1 + i) mod N1][f2] = R[f2][i]: [N1][N2], zero rows elsewhere.
        let u = ws.other(rt)
        // The pruned first step never reads rows past o1 + m1: only the ones before need zeros then.
        let rowNonzero: Int? = o1 + m1 <= n1 ? o1 + m1 : nil
        let zeroRows = rowNonzero.map(rowPlan.skipsInputs) == true ? o1 : n1
        u.re.update(repeating: 0, count: zeroRows * n2); u.im.update(repeating: 0, count: zeroRows * n2)
        transpose(rt.re, rows: n2, columns: m1, into: u.re, rowOffset: o1, rowCount: n1, stride: n2)
        transpose(rt.im, rows: n2, columns: m1, into: u.im, rowOffset: o1, rowCount: n1, stride: n2)
        // 4. Along the rows axis (length N1, N2 sequences).
        let z = rowPlan.forward(u, scratch: ws.other(u), batch: n2, nonzero: rowNonzero)
        // 5. Z = A + iB with A, B Hermitian: A(f) = (Z(f) + conj Z(-f))/2, B(f) = (Z(f) - conj Z(-f))/(2i).
        let hc = halfColumns, hn = halfCount
        for f1 in 0..<n1 {
            let g1 = (n1 - f1) % n1
            let zr = z.re + f1 * n2, zi = z.im + f1 * n2, mr = z.re + g1 * n2, mi = z.im + g1 * n2
            let ar = spectrumA + f1 * hc, ai = spectrumA + hn + f1 * hc
            for f2 in 0..<hc {
                let g2 = f2 == 0 ? 0 : n2 - f2
                ar[f2] = 0.5 * (zr[f2] + mr[g2]); ai[f2] = 0.5 * (zi[f2] - mi[g2])
            }
            if let spectrumB {
                let br = spectrumB + f1 * hc, bi = spectrumB + hn + f1 * hc
                for f2 in 0..<hc {
                    let g2 = f2 == 0 ? 0 : n2 - f2
                    br[f2] = 0.5 * (zi[f2] + mi[g2]); bi[f2] = 0.5 * (mr[g2] - zr[f2])
                }
            }
        }
    }

    /// The real images whose half spectra are `spectrumA` and `spectrumB` (nil: zero), unnormalised
    /// (times N1·N2) and multiplied by `scale`: rows o1 ..< o1+nr and columns o2 ..< o2+nc of the grid
    /// (wrapping around) are written to `outA` (and `outB`) with row stride `stride`.
    public func inversePair(_ spectrumA: UnsafePointer<Float>, _ spectrumB: UnsafePointer<Float>?,
                            rows o1: Int, count nr: Int, columns o2: Int, count nc: Int, scale: Float,
                            into outA: UnsafeMutablePointer<Float>, _ outB: UnsafeMutablePointer<Float>?, stride: Int,
                            workspace ws: Workspace) {
        precondition(nr <= rows && nc <= columns, "RealFFT2D: output \(nr)x\(nc) larger than the \(rows)x\(columns) grid")
        let n1 = rows, n2 = columns, hc = halfColumns, hn = halfCount
        if let plan = library, let buffers = ws.library {
            for (spectrum, out) in [(spectrumA, outA), (spectrumB, outB)] {
                guard let spectrum, let out else { continue }
                plan.inverse(buffers, real: spectrum, imaginary: spectrum + hn)
                for y in 0..<nr {
                    let row = buffers.grid + ((o1 + y) % n1) * n2, dst = out + y * stride
                    if o2 + nc <= n2 {
                        let src = row + o2
                        for x in 0..<nc { dst[x] = scale * src[x] }
                    } else {
                        for x in 0..<nc { dst[x] = scale * row[(o2 + x) % n2] }
                    }
                }
            }
            return
        }
        // 1. Z = A + iB on the full grid; columns past N2/2 from Hermitian symmetry, A(f) = conj A(-f).
        let z = ws.bufferA
        for f1 in 0..<n1 {
            let g1 = (n1 - f1) % n1
            let zr = z.re + f1 * n2, zi = z.im + f1 * n2
            let ar = spectrumA + f1 * hc, ai = spectrumA + hn + f1 * hc
            let mar = spectrumA + g1 * hc, mai = spectrumA + hn + g1 * hc
            if let spectrumB {
                let br = spectrumB + f1 * hc, bi = spectrumB + hn + f1 * hc
                let mbr = spectrumB + g1 * hc, mbi = spectrumB + hn + g1 * hc
                for f2 in 0..<hc { zr[f2] = ar[f2] - bi[f2]; zi[f2] = ai[f2] + br[f2] }
                for f2 in hc..<n2 { let g2 = n2 - f2; zr[f2] = mar[g2] + mbi[g2]; zi[f2] = mbr[g2] - mai[g2] }
            } else {
                for f2 in 0..<hc { zr[f2] = ar[f2]; zi[f2] = ai[f2] }
                for f2 in hc..<n2 { let g2 = n2 - f2; zr[f2] = mar[g2]; zi[f2] = -mai[g2] }
            }
        }
        // 2. Along the rows axis.
        let v = rowPlan.inverse(z, scratch: ws.bufferB, batch: n2)
        // 3. W[f2][y] = V[(o1 + y) mod N1][f2]: [N2][nr].
        let w = ws.other(v)
        for y in 0..<nr {
            let row = (o1 + y) % n1
            let sr = v.re + row * n2, si = v.im + row * n2
            for f2 in 0..<n2 { w.re[f2 * nr + y] = sr[f2]; w.im[f2 * nr + y] = si[f2] }
        }
        // 4. Along the columns axis.
        let o = columnPlan.inverse(w, scratch: ws.other(w), batch: nr)
        // 5. Real part is image A, imaginary part image B (both real).
        for x in 0..<nc {
            let col = (o2 + x) % n2
            let sr = o.re + col * nr, si = o.im + col * nr
            for y in 0..<nr { outA[y * stride + x] = scale * sr[y] }
            if let outB { for y in 0..<nr { outB[y * stride + x] = scale * si[y] } }
        }
    }

    /// dst[(rowOffset + i) mod rowCount][j] = src[j][i] for src [rows][columns] (dst row stride `stride`),
    /// in tiles so both sides stay in cache.
    func transpose(_ src: UnsafePointer<Float>, rows: Int, columns: Int, into dst: UnsafeMutablePointer<Float>,
                   rowOffset: Int, rowCount: Int, stride: Int) {
        let tile = 32
        var i0 = 0
        while i0 < columns {
            let i1 = min(columns, i0 + tile)
            var j0 = 0
            while j0 < rows {
                let j1 = min(rows, j0 + tile)
                for i in i0..<i1 {
                    let d = dst + ((rowOffset + i) % rowCount) * stride
                    for j in j0..<j1 { d[j] = src[j * columns + i] }
                }
                j0 = j1
            }
            i0 = i1
        }
    }
}
