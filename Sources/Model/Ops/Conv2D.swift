import BLAS
import DNNL

/// 2-D convolution (PyTorch's `F.conv2d`, cross-correlation, groups 1, dilation 1) on NCHW tensors.
///
/// Weight layout [O, C, KH, KW]; bias [O]. The convolution runs as im2col + sgemm per image, in chunks
/// of output rows so the column buffer stays bounded (CLIPort's transport correlation would otherwise
/// need a 4 GB buffer). A 1x1 convolution with stride 1 and no padding is a plain sgemm on the image.
public struct Conv2DOptions: Equatable, Sendable {
    public var strideH: Int
    public var strideW: Int
    public var paddingH: Int
    public var paddingW: Int

    public init(stride: Int = 1, padding: Int = 0) {
        self.init(strideH: stride, strideW: stride, paddingH: padding, paddingW: padding)
    }

    public init(strideH: Int, strideW: Int, paddingH: Int, paddingW: Int) {
        precondition(strideH >= 1 && strideW >= 1 && paddingH >= 0 && paddingW >= 0,
                     "Conv2DOptions: stride must be >= 1 and padding >= 0")
        self.strideH = strideH; self.strideW = strideW
        self.paddingH = paddingH; self.paddingW = paddingW
    }
}

/// The sizes of one convolution, derived from input and weight shapes.
@usableFromInline
struct ConvGeometry {
    let n, c, h, w: Int
    let o, kh, kw: Int
    let ho, wo: Int
    let options: Conv2DOptions
    /// Most floats one block's column matrix may hold.
    let columnLimit: Int

    init(input: [Int], weight: [Int], options: Conv2DOptions, columnLimit: Int = ComputeSettings.current.columnBufferLimit) {
        precondition(input.count == 4, "conv2d: input must be NCHW, got shape \(input)")
        precondition(weight.count == 4, "conv2d: weight must be [O, C, KH, KW], got shape \(weight)")
        precondition(input[1] == weight[1],
                     "conv2d: input has \(input[1]) channels but weight expects \(weight[1])")
        n = input[0]; c = input[1]; h = input[2]; w = input[3]
        o = weight[0]; kh = weight[2]; kw = weight[3]
        self.options = options
        self.columnLimit = columnLimit
        ho = (h + 2 * options.paddingH - kh) / options.strideH + 1
        wo = (w + 2 * options.paddingW - kw) / options.strideW + 1
        precondition(ho > 0 && wo > 0, "conv2d: kernel \(kh)x\(kw) larger than padded input \(h)x\(w)")
    }

    var isPointwise: Bool {
        kh == 1 && kw == 1 && options.strideH == 1 && options.strideW == 1
            && options.paddingH == 0 && options.paddingW == 0
    }
    /// Rows of the im2col matrix: C * KH * KW.
    var patch: Int { c * kh * kw }
    /// Output rows per im2col chunk, keeping the column buffer under `columnLimit`; at
    /// most half the rows of an image worth splitting (`splitsImage`), so its halves can run side by side.
    var rowsPerChunk: Int {
        let most = max(1, min(splitsImage ? (ho + 1) / 2 : ho, columnLimit / max(1, patch * wo)))
        let chunks = (ho + most - 1) / most
        return (ho + chunks - 1) / chunks   // chunks of equal size: no thin last chunk
    }

    /// Whether a lone image's convolution is large enough to be worked in two halves (of output rows,
    /// or of columns for 1x1): then a core left idle by the other branch of a step takes one half.
    var splitsImage: Bool { n == 1 && ho >= 2 && o * patch * ho * wo >= ComputeSettings.current.imageSplitWork }

    /// The GEMM units of a 1x1 convolution: whole images, or a lone image's two column halves.
    var pointwiseUnits: [PointwiseUnit] {
        let plane = ho * wo
        guard splitsImage else { return (0..<n).map { PointwiseUnit(image: $0, columns: 0..<plane) } }
        let middle = (plane / 2 + 15) / 16 * 16   // 64-byte aligned second half
        return [PointwiseUnit(image: 0, columns: 0..<middle), PointwiseUnit(image: 0, columns: middle..<plane)]
    }

    /// Images per block when whole images fit the buffer; below `batchedColumns` output pixels an
    /// image is too narrow for an efficient GEMM on its own.
    static let batchedColumns = 4096
    var imagesPerBlock: Int {
        let plane = ho * wo
        guard plane < ConvGeometry.batchedColumns, patch * plane <= columnLimit else { return 1 }
        return max(1, min(n, columnLimit / (patch * plane), (ConvGeometry.batchedColumns * 4) / plane))
    }

    var blocks: [ConvBlock] {
        var out: [ConvBlock] = []
        let per = imagesPerBlock
        if per > 1 {
            var n0 = 0
            while n0 < n { let k = min(per, n - n0); out.append(ConvBlock(n0: n0, images: k, r0: 0, r1: ho)); n0 += k }
        } else {
            let rows = rowsPerChunk
            for i in 0..<n {
                var r0 = 0
                while r0 < ho { let r1 = min(ho, r0 + rows); out.append(ConvBlock(n0: i, images: 1, r0: r0, r1: r1)); r0 = r1 }
            }
        }
        return out
    }

    /// Largest column count of any block.
    var blockColumns: Int { imagesPerBlock > 1 ? imagesPerBlock * ho * wo : rowsPerChunk * wo }
    var blockBufferSize: Int { patch * blockColumns }
}

public enum Conv2D {
    static var cachedColumnLimit: Int {
        let settings = ComputeSettings.current
        return min(settings.columnBufferLimit, settings.forwardColumnLimit)
    }

    /// Output of the convolution: [N, O, HO, WO].
    public static func forward(_ input: Tensor, weight: Tensor, bias: Tensor? = nil,
                               options: Conv2DOptions = Conv2DOptions()) -> Tensor {
        convolve(input, weight: weight, bias: bias, options: options, countsFlops: true)
    }

    /// `forward`, optionally without adding to `FlopCounter` (when backward reuses it, having
    /// counted its own work).
    static func convolve(_ input: Tensor, weight: Tensor, bias: Tensor?, options: Conv2DOptions,
                         countsFlops: Bool) -> Tensor {
        let g = ConvGeometry(input: input.shape, weight: weight.shape, options: options, columnLimit: cachedColumnLimit)
        if let bias { precondition(bias.shape == [g.o], "conv2d: bias shape \(bias.shape), expected [\(g.o)]") }
        // Every output element is written once: by a GEMM with beta 0 (whole images or row chunks) or
        // by Winograd's output transform.
        var out = Tensor.uninitialized([g.n, g.o, g.ho, g.wo])
        let plane = g.ho * g.wo
        if countsFlops { FlopCounter.add(2 * Double(g.n * g.o * g.patch) * Double(plane)) }
        if countsFlops { ConvolutionCensus.record(g, .forward) }
        if ComputeSettings.current.convolutionLibrary.forward, LibraryConvolution.covers(g),
           LibraryConvolution.run(g, .forward, input.scalars, weight.scalars, into: &out.scalars) {
            if let bias { addBias(bias, g, to: &out) }
            return out
        }
        input.scalars.withUnsafeBufferPointer { xp in
        weight.scalars.withUnsafeBufferPointer { wp in
        out.scalars.withUnsafeMutableBufferPointer { yp in
            let x = xp.baseAddress!, wt = wp.baseAddress!, y = yp.baseAddress!
            if ComputeSettings.current.usesWinograd && WinogradConvolution.applies(to: g) {
                let winograd = WinogradConvolution(g)
                let blocks = winograd.blocks
                winograd.withTransformedWeights(wt) { u in
                    inHalves(blocks.count, splits: winograd.splitsInHalves) { part, _ in winograd.withBlockBuffers { v, m in
                        for block in blocks[part] { winograd.forward(x, block: block, weights: u, v: v, m: m, into: y) }
                    }}
                }
            } else if g.isPointwise && g.imagesPerBlock == 1 {
                // Large planes: the image itself is the column matrix.
                let units = g.pointwiseUnits
                inHalves(units.count, splits: splitsInHalves(g)) { part, _ in
                    for u in units[part] {
                        let c0 = u.columns.lowerBound
                        BLAS.sgemm(m: g.o, n: u.columns.count, k: g.c, a: wt, lda: g.c,
                                   b: x + u.image * g.c * plane + c0, ldb: plane, c: y + u.image * g.o * plane + c0, ldc: plane)
                    }
                }
            } else {
                let blocks = g.blocks
                let taps = RowTapConvolution.applies(to: g) ? RowTapConvolution(g) : nil
                let grouped = taps?.groupedWeights(wt) ?? []
                inHalves(blocks.count, splits: splitsInHalves(g)) { part, _ in withBlockBuffers(g, taps) { cols, tmp in
                    for blk in blocks[part] {
                        if let taps {
                            taps.fillTaps(x, blk, into: cols)
                            grouped.withUnsafeBufferPointer { taps.forward(cols, blk, weights: $0.baseAddress!, into: y) }
                            continue
                        }
                        let ncols = blk.columns(g)
                        fillColumns(x, g, blk, into: cols)
                        if blk.images == 1 {
                            BLAS.sgemm(m: g.o, n: ncols, k: g.patch, a: wt, lda: g.patch, b: cols, ldb: ncols,
                                       c: y + blk.n0 * g.o * plane + blk.r0 * g.wo, ldc: plane)
                        } else {
                            // Several small images side by side in one product, then back to NCHW.
                            BLAS.sgemm(m: g.o, n: ncols, k: g.patch, a: wt, lda: g.patch, b: cols, ldb: ncols,
                                       c: tmp, ldc: ncols)
                            for b in 0..<blk.images {
                                for o in 0..<g.o {
                                    (y + ((blk.n0 + b) * g.o + o) * plane).update(from: tmp + o * ncols + b * plane, count: plane)
                                }
                            }
                        }
                    }
                }}
            }
        }}}
        if let bias { addBias(bias, g, to: &out) }
        return out
    }

    /// out[n, o] += bias[o].
    static func addBias(_ bias: Tensor, _ g: ConvGeometry, to out: inout Tensor) {
        let plane = g.ho * g.wo
        bias.scalars.withUnsafeBufferPointer { bp in
        out.scalars.withUnsafeMutableBufferPointer { yp in
            let y = yp.baseAddress!
            for n in 0..<g.n {
                for o in 0..<g.o {
                    let b = bp[o]
                    let row = y + (n * g.o + o) * plane
                    for i in 0..<plane { row[i] += b }
                }
            }
        }}
    }

    /// Gradients of a convolution. Accumulates dL/dweight into `weightGradient` (shape of weight) and
    /// returns dL/dinput when `inputGradient` is true (nil otherwise: the first layer on an image
    /// needs none, and skipping it saves a third of the work). Bias gradients: `biasGradient(_:)`.
    public static func backward(_ gradOutput: Tensor, input: Tensor, weight: Tensor,
                                options: Conv2DOptions = Conv2DOptions(),
                                weightGradient: inout Tensor, inputGradient: Bool = true) -> Tensor? {
        let g = ConvGeometry(input: input.shape, weight: weight.shape, options: options)
        precondition(gradOutput.shape == [g.n, g.o, g.ho, g.wo],
                     "conv2d backward: gradient shape \(gradOutput.shape), expected \([g.n, g.o, g.ho, g.wo])")
        precondition(weightGradient.shape == weight.shape, "conv2d backward: weight gradient shape mismatch")
        FlopCounter.add(2 * Double(g.n * g.o * g.patch) * Double(g.ho * g.wo) * (inputGradient ? 2 : 1))
        ConvolutionCensus.record(g, .weightGradient)
        if inputGradient { ConvolutionCensus.record(g, .inputGradient) }
        var library = ComputeSettings.current.convolutionLibrary
        if !LibraryConvolution.covers(g) { library = .none }
        // dL/dweight by oneDNN (into a buffer of its own, added after: oneDNN overwrites).
        if library.weightGradient, let gw = LibraryConvolution.weightGradient(g, input: input, gradOutput: gradOutput) {
            gw.scalars.withUnsafeBufferPointer { s in weightGradient.scalars.withUnsafeMutableBufferPointer { d in
                addRow(s.baseAddress!, into: d.baseAddress!, count: d.count)
            }}
            guard inputGradient else { return nil }
            var gx = Tensor.uninitialized(input.shape)
            if library.inputGradient, LibraryConvolution.run(g, .inputGradient, gradOutput.scalars, weight.scalars, into: &gx.scalars) {
                return gx
            }
            // No other path computes dL/dinput alone: the project's full backward into a scratch dL/dweight.
            var unused = Tensor.zeros(weight.shape)
            return projectBackward(gradOutput, input: input, weight: weight, options: options, g,
                                   weightGradient: &unused, inputGradient: true)
        }
        if inputGradient && library.inputGradient {
            var gx = Tensor.uninitialized(input.shape)
            if LibraryConvolution.run(g, .inputGradient, gradOutput.scalars, weight.scalars, into: &gx.scalars) {
                _ = projectBackward(gradOutput, input: input, weight: weight, options: options, g,
                                    weightGradient: &weightGradient, inputGradient: false)
                return gx
            }
        }
        return projectBackward(gradOutput, input: input, weight: weight, options: options, g,
                               weightGradient: &weightGradient, inputGradient: inputGradient)
    }

    /// `backward` by the project's kernels: im2col, row taps, Winograd, 1x1 products.
    static func projectBackward(_ gradOutput: Tensor, input: Tensor, weight: Tensor, options: Conv2DOptions, _ g: ConvGeometry,
                                weightGradient: inout Tensor, inputGradient: Bool) -> Tensor? {
        let plane = g.ho * g.wo
        let inPlane = g.c * g.h * g.w
        // At stride 1, dL/dinput is itself a convolution: of dY padded by k-1-p with the weights flipped
        // and their channel axes swapped. That is one forward GEMM per block (K = O·k·k, written straight
        // into dL/dinput) instead of a [C·k·k, P] product with K = O, zeroed by BLAS and scattered back
        // by col2im: two fewer passes over a matrix k² times the image.
        let asConvolution = ComputeSettings.current.inputGradientAsConvolution && inputGradient && !g.isPointwise && options.strideH == 1 && options.strideW == 1
            && options.paddingH <= g.kh - 1 && options.paddingW <= g.kw - 1
        var gradInput: Tensor?
        if asConvolution {
            gradInput = convolve(gradOutput, weight: flippedTransposed(weight), bias: nil,
                                 options: Conv2DOptions(strideH: 1, strideW: 1, paddingH: g.kh - 1 - options.paddingH,
                                                        paddingW: g.kw - 1 - options.paddingW),
                                 countsFlops: false)
        } else if inputGradient {
            // col2im accumulates into dL/dinput; the pointwise path's GEMM overwrites it.
            gradInput = g.isPointwise && g.imagesPerBlock == 1 ? Tensor.uninitialized(input.shape) : Tensor.zeros(input.shape)
        }
        input.scalars.withUnsafeBufferPointer { xp in
        weight.scalars.withUnsafeBufferPointer { wp in
        gradOutput.scalars.withUnsafeBufferPointer { gyp in
        weightGradient.scalars.withUnsafeMutableBufferPointer { gwp in
            let x = xp.baseAddress!, wt = wp.baseAddress!, gy = gyp.baseAddress!, gw = gwp.baseAddress!
            func withGX(_ body: (UnsafeMutablePointer<Float>?) -> Void) {
                if gradInput != nil && !asConvolution {
                    gradInput!.scalars.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
                } else { body(nil) }
            }
            withGX { gx in
                // dW of a 3x3 same-size convolution by Winograd's transforms (the products summed in
                // cache-sized blocks, like the forward's).
                let winograd = gx == nil && ComputeSettings.current.usesWinograd && WinogradConvolution.applies(to: g)
                    ? WinogradConvolution(ConvGeometry(input: input.shape, weight: weight.shape, options: options,
                                                       columnLimit: cachedColumnLimit)) : nil
                // The second half of the work adds its dW into a buffer of its own, added after both
                // halves: the same sums in the same order whether the halves ran side by side or not.
                let halves = winograd == nil && splitsInHalves(g, scattersInput: gx != nil)
                let secondHalf = ScratchPool.shared.takeZeroed(halves ? g.o * g.patch : 0), secondHalfGW = secondHalf.pointer
                defer { ScratchPool.shared.giveBack(secondHalf) }
                func weightGradient(_ half: Int) -> UnsafeMutablePointer<Float> { half == 0 ? gw : secondHalfGW }
                if let winograd {
                    let blocks = winograd.blocks, split = winograd.splitsInHalves, size = 16 * g.o * g.c
                    // dL/dU per half, mapped to dW after: the same sums whether the halves ran side by side or not.
                    let duBuffer = ScratchPool.shared.takeZeroed((split ? 2 : 1) * size), du = duBuffer.pointer
                    defer { ScratchPool.shared.giveBack(duBuffer) }
                    inHalves(blocks.count, splits: split) { part, half in winograd.withBlockBuffers { v, m in
                        for block in blocks[part] {
                            winograd.accumulateTransformedWeightGradient(x, gradOutput: gy, block: block, v: v, m: m,
                                                                         into: du + half * size)
                        }
                    }}
                    winograd.addWeightGradient(fromTransformed: du, into: gw)
                    if split { winograd.addWeightGradient(fromTransformed: du + size, into: gw) }
                } else if g.isPointwise && g.imagesPerBlock == 1 {
                    let units = g.pointwiseUnits
                    inHalves(units.count, splits: halves) { part, half in
                        for u in units[part] {
                            let c0 = u.columns.lowerBound
                            let gyn = gy + u.image * g.o * plane + c0, xn = x + u.image * inPlane + c0
                            // dW[O, C] += dY[O, P] * X[C, P]^T
                            BLAS.sgemm(transposeB: true, m: g.o, n: g.c, k: u.columns.count, a: gyn, lda: plane,
                                       b: xn, ldb: plane, beta: 1, c: weightGradient(half), ldc: g.c)
                            if let gx {
                                // dX[C, P] = W[O, C]^T * dY[O, P]
                                BLAS.sgemm(transposeA: true, m: g.c, n: u.columns.count, k: g.o, a: wt, lda: g.c,
                                           b: gyn, ldb: plane, c: gx + u.image * inPlane + c0, ldc: plane)
                            }
                        }
                    }
                } else {
                    let blocks = g.blocks
                    // Without dL/dinput by col2im, only Z is needed: the row-tap products give dW.
                    let taps = RowTapConvolution.applies(to: g) && gx == nil ? RowTapConvolution(g) : nil
                    let groupedSize = taps.map { g.kh * g.o * $0.tapRows } ?? 0
                    let grouped = ScratchPool.shared.takeZeroed((halves ? 2 : 1) * groupedSize), groupedGW = grouped.pointer
                    defer { ScratchPool.shared.giveBack(grouped) }
                    inHalves(blocks.count, splits: halves) { part, half in withBlockBuffers(g, taps) { cols, tmp in
                        for blk in blocks[part] {
                            if let taps {
                                taps.fillTaps(x, blk, into: cols)
                                taps.accumulateWeightGradient(cols, blk, gradOutput: gy, into: groupedGW + half * groupedSize)
                                continue
                            }
                            let ncols = blk.columns(g)
                            fillColumns(x, g, blk, into: cols)
                            // The block's output gradient as an [O, ncols] matrix.
                            let gyb: UnsafePointer<Float>, ldg: Int
                            if blk.images == 1 {
                                gyb = UnsafePointer(gy + blk.n0 * g.o * plane + blk.r0 * g.wo); ldg = plane
                            } else {
                                for b in 0..<blk.images {
                                    for o in 0..<g.o {
                                        (tmp + o * ncols + b * plane).update(from: gy + ((blk.n0 + b) * g.o + o) * plane, count: plane)
                                    }
                                }
                                gyb = UnsafePointer(tmp); ldg = ncols
                            }
                            // dW[O, K] += dY[O, cols] * cols[K, cols]^T
                            BLAS.sgemm(transposeB: true, m: g.o, n: g.patch, k: ncols, a: gyb, lda: ldg,
                                       b: cols, ldb: ncols, beta: 1, c: weightGradient(half), ldc: g.patch)
                            if let gx {
                                // dcols[K, cols] = W[O, K]^T * dY[O, cols], then scatter back to the images.
                                BLAS.sgemm(transposeA: true, m: g.patch, n: ncols, k: g.o, a: wt, lda: g.patch,
                                           b: gyb, ldb: ldg, c: cols, ldc: ncols)
                                let rows = blk.r1 - blk.r0
                                for b in 0..<blk.images {
                                    col2im(cols + b * rows * g.wo, ld: ncols, g, rowStart: blk.r0, rowEnd: blk.r1,
                                           into: gx + (blk.n0 + b) * inPlane)
                                }
                            }
                        }
                    }}
                    if let taps {
                        taps.addGrouped(groupedGW, into: gw)
                        if halves { taps.addGrouped(groupedGW + groupedSize, into: gw) }
                    }
                }
                if halves { addRow(UnsafePointer(secondHalfGW), into: gw, count: g.o * g.patch) }
            }
        }}}}
        return gradInput
    }

    /// Whether a convolution's work is split into two halves of its units: images (the transport's 36
    /// query crops), column halves of a lone 1x1 image, or row chunks. Not row chunks whose col2im
    /// scatters (`scattersInput`) overlap: a kernel taller than its stride reaches across chunks.
    /// Decided by shapes alone, so results never depend on whether the halves ran side by side.
    static func splitsInHalves(_ g: ConvGeometry, scattersInput: Bool = false) -> Bool {
        if g.isPointwise && g.imagesPerBlock == 1 { return g.pointwiseUnits.count >= 2 }
        let blocks = g.blocks
        guard blocks.count >= 2 else { return false }
        return !scattersInput || g.kh <= g.options.strideH || blocks.allSatisfy { $0.r0 == 0 && $0.r1 == g.ho }
    }

    /// Runs `body` over units 0..<count: in two halves side by side (`ConcurrentBranches`) when `splits`,
    /// whole otherwise. `body` gets the range and the half (0 or 1).
    static func inHalves(_ count: Int, splits: Bool, _ body: (Range<Int>, Int) -> Void) {
        guard splits, count >= 2 else { body(0..<count, 0); return }
        let middle = count / 2
        ConcurrentBranches.run({ body(0..<middle, 0) }, { body(middle..<count, 1) })
    }

    /// A column buffer big enough for any block (im2col, or Z of the row-tap products) and a staging
    /// buffer for blocks of several images, for the duration of `body`.
    static func withBlockBuffers(_ g: ConvGeometry, _ taps: RowTapConvolution?,
                                 _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) {
        ScratchPool.shared.withBuffers(max(g.blockBufferSize, taps?.maxZSize ?? 0), g.o * g.blockColumns, body)
    }

    /// W'[c, o, i, j] = W[o, c, KH-1-i, KW-1-j]: the weights of the convolution that maps dY to dX.
    static func flippedTransposed(_ weight: Tensor) -> Tensor {
        let (o, c, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        let k = kh * kw, tile = 16
        return weight.scalars.withUnsafeBufferPointer { w in
            Tensor.filled([c, o, kh, kw]) { f in
                // Tiles of 16x16 channel pairs: reads and writes each stay within 16 runs of 16·k floats
                // (a channel-by-channel transpose of a 2048-channel layer misses the cache on every kernel).
                for o0 in stride(from: 0, to: o, by: tile) {
                    for c0 in stride(from: 0, to: c, by: tile) {
                        for ci in c0..<min(c, c0 + tile) {
                            for oi in o0..<min(o, o0 + tile) {
                                // Flipping both spatial axes reverses the kernel's KH·KW values.
                                let source = (oi * c + ci) * k, target = (ci * o + oi) * k
                                for t in 0..<k { f[target + t] = w[source + k - 1 - t] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// im2col of every image of a block, side by side: [C*KH*KW, images * rows * WO].
    static func fillColumns(_ x: UnsafePointer<Float>, _ g: ConvGeometry, _ blk: ConvBlock,
                            into cols: UnsafeMutablePointer<Float>) {
        let ncols = blk.columns(g)
        let rows = blk.r1 - blk.r0
        for b in 0..<blk.images {
            im2col(x + (blk.n0 + b) * g.c * g.h * g.w, g, rowStart: blk.r0, rowEnd: blk.r1,
                   into: cols + b * rows * g.wo, ld: ncols)
        }
    }

    /// dL/dbias for a bias added per channel: the sum of `gradOutput` over N, H and W. Shape [C].
    public static func biasGradient(_ gradOutput: Tensor) -> Tensor {
        let (n, c, h, w) = gradOutput.nchw
        var out = Tensor.zeros([c])
        gradOutput.scalars.withUnsafeBufferPointer { g in
            for ci in 0..<c {
                var s: Double = 0
                for ni in 0..<n {
                    let base = (ni * c + ci) * h * w
                    var p: Float = 0
                    for i in 0..<(h * w) { p += g[base + i] }
                    s += Double(p)
                }
                out.scalars[ci] = Float(s)
            }
        }
        return out
    }

    /// oneDNN's name for its forward implementation of this convolution (nil: none).
    public static func libraryImplementation(inputShape: [Int], weightShape: [Int], options: Conv2DOptions) -> String? {
        LibraryConvolution.implementation(ConvGeometry(input: inputShape, weight: weightShape, options: options))
    }

    /// Multiply-adds of a forward pass times two (the FLOP count benchmarks report).
    public static func flops(inputShape: [Int], weightShape: [Int], options: Conv2DOptions) -> Double {
        let g = ConvGeometry(input: inputShape, weight: weightShape, options: options)
        return 2 * Double(g.n) * Double(g.o) * Double(g.patch) * Double(g.ho * g.wo)
    }
}

/// Columns of one image of a 1x1 convolution, multiplied in one GEMM.
@usableFromInline
struct PointwiseUnit {
    let image: Int
    let columns: Range<Int>
}

/// A unit of im2col work: output rows [r0, r1) of images [n0, n0 + images). Large images are split
/// into row chunks (images = 1); small ones are grouped whole so one GEMM sees enough columns.
@usableFromInline
struct ConvBlock {
    let n0: Int, images: Int, r0: Int, r1: Int
    func columns(_ g: ConvGeometry) -> Int { images * (r1 - r0) * g.wo }
}

/// Copies the receptive fields of output rows [rowStart, rowEnd) of one image into `cols`, a
/// [C*KH*KW, (rowEnd-rowStart)*WO] matrix with row stride `ld`; out-of-image taps are zero.
@usableFromInline
func im2col(_ x: UnsafePointer<Float>, _ g: ConvGeometry, rowStart: Int, rowEnd: Int,
            into cols: UnsafeMutablePointer<Float>, ld: Int) {
    let ncols = (rowEnd - rowStart) * g.wo
    let sh = g.options.strideH, sw = g.options.strideW
    let ph = g.options.paddingH, pw = g.options.paddingW
    parallelFor(g.patch, work: g.patch * ncols) { row in
        let kj = row % g.kw
        let ki = (row / g.kw) % g.kh
        let c = row / (g.kw * g.kh)
        let src = x + c * g.h * g.w
        let dst = cols + row * ld
        // Output columns whose tap falls inside the image: ix = ox*sw - pw + kj in [0, W).
        let oxLo = min(g.wo, max(0, (pw - kj + sw - 1) / sw))
        let oxHi = min(g.wo, max(oxLo, (g.w + pw - kj + sw - 1) / sw))
        if sh == 1 && sw == 1 && g.wo == g.w {
            // Same-size output (3x3, padding 1): the tap's rows are the image shifted by one offset, so
            // the in-image rows are one copy, with the few columns that wrapped to a neighbouring row
            // zeroed after. Rows of 64 pixels made the per-row copies mostly call overhead.
            let oyLo = min(rowEnd, max(rowStart, ph - ki)), oyHi = max(oyLo, min(rowEnd, g.h + ph - ki))
            if oyLo > rowStart { dst.update(repeating: 0, count: (oyLo - rowStart) * g.wo) }
            if oyHi < rowEnd { (dst + (oyHi - rowStart) * g.wo).update(repeating: 0, count: (rowEnd - oyHi) * g.wo) }
            guard oyHi > oyLo else { return }
            // dst[(oy - rowStart) * W + ox] = src[(oy - ph + ki) * W + ox - pw + kj], clipped to the plane.
            let first = (oyLo - rowStart) * g.wo, count = (oyHi - oyLo) * g.wo
            let offset = (oyLo - ph + ki) * g.w - pw + kj
            let skipHead = max(0, -offset), skipTail = max(0, offset + count - g.h * g.w)
            (dst + first + skipHead).update(from: src + offset + skipHead, count: count - skipHead - skipTail)
            for oy in oyLo..<oyHi {
                let d = dst + (oy - rowStart) * g.wo
                for ox in 0..<oxLo { d[ox] = 0 }
                for ox in oxHi..<g.wo { d[ox] = 0 }
            }
            return
        }
        for oy in rowStart..<rowEnd {
            let d = dst + (oy - rowStart) * g.wo
            let iy = oy * sh - ph + ki
            if iy < 0 || iy >= g.h {
                d.update(repeating: 0, count: g.wo)
                continue
            }
            let s = src + iy * g.w
            if oxLo > 0 { d.update(repeating: 0, count: oxLo) }
            if sw == 1 {
                (d + oxLo).update(from: s + (oxLo - pw + kj), count: oxHi - oxLo)
            } else {
                var ix = oxLo * sw - pw + kj
                for ox in oxLo..<oxHi { d[ox] = s[ix]; ix += sw }
            }
            if oxHi < g.wo { (d + oxHi).update(repeating: 0, count: g.wo - oxHi) }
        }
    }
}

/// The adjoint of `im2col`: adds each column entry back onto the image pixel it was copied from.
/// Parallel over input channels (each channel's rows touch only that channel's plane).
@usableFromInline
func col2im(_ cols: UnsafePointer<Float>, ld: Int, _ g: ConvGeometry, rowStart: Int, rowEnd: Int,
            into x: UnsafeMutablePointer<Float>) {
    let ncols = (rowEnd - rowStart) * g.wo
    let sh = g.options.strideH, sw = g.options.strideW
    let ph = g.options.paddingH, pw = g.options.paddingW
    parallelFor(g.c, work: g.patch * ncols) { c in
        let dstPlane = x + c * g.h * g.w
        for ki in 0..<g.kh {
            for kj in 0..<g.kw {
                let row = (c * g.kh + ki) * g.kw + kj
                let src = cols + row * ld
                let oxLo = min(g.wo, max(0, (pw - kj + sw - 1) / sw))
                let oxHi = min(g.wo, max(oxLo, (g.w + pw - kj + sw - 1) / sw))
                for oy in rowStart..<rowEnd {
                    let iy = oy * sh - ph + ki
                    if iy < 0 || iy >= g.h { continue }
                    let s = src + (oy - rowStart) * g.wo
                    let d = dstPlane + iy * g.w
                    if sw == 1 {
                        addRow(UnsafePointer(s + oxLo), into: d + (oxLo - pw + kj), count: oxHi - oxLo)
                    } else {
                        var ix = oxLo * sw - pw + kj
                        for ox in oxLo..<oxHi { d[ix] += s[ox]; ix += sw }
                    }
                }
            }
        }
    }
}

/// d[i] += s[i] for i < count, eight lanes at a time (the compiler cannot prove the rows apart, so it
/// would not vectorise the plain loop).
@inlinable
func addRow(_ s: UnsafePointer<Float>, into d: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    let rs = UnsafeRawPointer(s), rd = UnsafeMutableRawPointer(d)
    while i + 8 <= count {
        let a = rd.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
        let b = rs.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
        rd.storeBytes(of: a + b, toByteOffset: 4 * i, as: SIMD8<Float>.self)
        i += 8
    }
    while i < count { d[i] += s[i]; i += 1 }
}
