import BLAS

/// A 3x3, stride-1, padding-1 convolution by Winograd's minimal filtering F(2x2, 3x3) (Lavin & Gray,
/// "Fast Algorithms for Convolutional Neural Networks", 2016): 16 products of [O, C] by [C, tiles]
/// instead of 36 multiply-adds per output pixel pair, 2.25x fewer.
///
/// Each 2x2 output tile reads a 4x4 input tile d: Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A, with
/// Bᵀ = [[1,0,-1,0], [0,1,1,0], [0,-1,1,0], [0,1,0,-1]], G = [[1,0,0], [½,½,½], [½,-½,½], [0,0,1]],
/// Aᵀ = [[1,1,1,0], [0,1,-1,-1]]. The transforms only add and halve, so results stay within a few
/// float ulps of im2col's. Work goes in blocks of tile rows (across the images of a batch) whose
/// transformed input V [16][C, T] and products M [16][O, T] stay in cache.
struct WinogradConvolution {
    let g: ConvGeometry
    /// Tile rows and columns of one image: 2x2 outputs each, the last ones clipped on odd sizes.
    let tileRows: Int, tileColumns: Int

    /// Same-size 3x3 convolutions with enough channels on both sides for the products to pay for the
    /// transforms (measured: 16 channels won on a 320x320 image but lost on 36 crops of 64x64).
    static func applies(to g: ConvGeometry) -> Bool {
        let o = g.options
        return g.kh == 3 && g.kw == 3 && o.strideH == 1 && o.strideW == 1 && o.paddingH == 1 && o.paddingW == 1
            && g.c >= 32 && g.o >= 32
    }

    init(_ g: ConvGeometry) {
        self.g = g
        tileRows = (g.h + 1) / 2
        tileColumns = (g.w + 1) / 2
    }

    /// Global tile rows (image-major) per block: V and M of a block hold at most `g.columnLimit` floats,
    /// unless that would leave fewer than `minimumTiles` columns for the products (small deep maps).
    var tileRowsPerBlock: Int {
        // Tiles within the limit; the floor is capped at 4x the limit (wide layers: 1024+ channels).
        let byLimit = g.columnLimit / (16 * (g.c + g.o))
        let tiles = max(byLimit, min(ComputeSettings.current.winogradMinimumTiles, 4 * byLimit))
        return max(1, tiles / tileColumns)
    }

    /// Blocks of global tile rows [start, end) over all images, of equal size.
    var blocks: [Range<Int>] {
        let total = g.n * tileRows
        let count = (total + tileRowsPerBlock - 1) / tileRowsPerBlock
        let size = (total + count - 1) / count
        return stride(from: 0, to: total, by: size).map { $0..<min(total, $0 + size) }
    }

    /// Whether the blocks are worked in two halves side by side (`Conv2D.inHalves`): a batch, or a lone
    /// image worth splitting.
    var splitsInHalves: Bool { blocks.count >= 2 && (g.n >= 2 || g.splitsImage) }

    /// Whether a block's own work is split in two instead (`Conv2D.inHalves`): its input and output
    /// transforms by channels and its 16 products 8 and 8, each value computed exactly as unsplit. For
    /// a lone image of a few blocks' tiles (the deep maps of CLIP's trunk and the U-Net decoder), whose
    /// blocks do not split: without it a core sits idle whenever the other branch of a step has ended.
    var splitsWithinBlocks: Bool {
        !splitsInHalves && 16 * g.o * g.c * (g.n * tileRows * tileColumns) >= ComputeSettings.current.imageSplitWork
    }

    /// Whether the weight transforms are worked in two halves of the output channels: wide layers,
    /// whose 16·O·C transformed weights (from 4M floats at the default split work) take far longer to
    /// write than a thread takes to start.
    var splitsWeightTransforms: Bool { g.o >= 2 && 16 * g.o * g.c >= ComputeSettings.current.imageSplitWork / 8 }

    /// V and M buffers big enough for any block, for the duration of `body`.
    func withBlockBuffers(_ body: (_ v: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>) -> Void) {
        let tiles = (blocks.map(\.count).max() ?? 0) * tileColumns
        ScratchPool.shared.withBuffers(16 * g.c * tiles, 16 * g.o * tiles, body)
    }

    /// Channels per chunk of the weight transforms. U's 16 planes lie megabytes apart, a multiple of the
    /// page size, so 16 interleaved stores (or loads) fall in one cache set and miss every time; a chunk
    /// goes through 16 short rows in L1 instead.
    private static let weightChunk = 64

    /// U = G g Gᵀ for every (o, c), in a buffer of 16·O·C floats: [16][O, C], for the duration of `body`.
    func withTransformedWeights(_ w: UnsafePointer<Float>, _ body: (UnsafePointer<Float>) -> Void) {
        let plane = g.o * g.c, chunk = WinogradConvolution.weightChunk
        ScratchPool.shared.withBuffer(16 * plane) { u in
            Conv2D.inHalves(g.o, splits: splitsWeightTransforms) { outputs, _ in
                let tmp = UnsafeMutablePointer<Float>.allocate(capacity: 16 * chunk)
                for o in outputs {
                    for c0 in stride(from: 0, to: g.c, by: chunk) {
                        let n = min(chunk, g.c - c0)
                        for j in 0..<n {
                            let k = w + (o * g.c + c0 + j) * 9
                            // G g: 4 rows of 3 (columns as SIMD lanes).
                            let r0 = SIMD4<Float>(k[0], k[1], k[2], 0), r1 = SIMD4<Float>(k[3], k[4], k[5], 0)
                            let r2 = SIMD4<Float>(k[6], k[7], k[8], 0)
                            // (G g) Gᵀ: 4 columns from 3, row i of the 4x4 result.
                            func store(_ i: Int, _ r: SIMD4<Float>) {
                                let a = r[0], b = r[1], d = r[2], t = tmp + 4 * i * chunk + j
                                t[0] = a; t[chunk] = 0.5 * (a + b + d); t[2 * chunk] = 0.5 * (a - b + d); t[3 * chunk] = d
                            }
                            store(0, r0); store(1, 0.5 * (r0 + r1 + r2)); store(2, 0.5 * (r0 - r1 + r2)); store(3, r2)
                        }
                        for xi in 0..<16 { (u + xi * plane + o * g.c + c0).update(from: tmp + xi * chunk, count: n) }
                    }
                }
                tmp.deallocate()
            }
            body(u)
        }
    }

    /// Y for the tile rows of `block`: transform the input tiles, 16 products, transform back.
    /// `v` and `m` hold 16·C·T and 16·O·T floats.
    func forward(_ x: UnsafePointer<Float>, block: Range<Int>, weights u: UnsafePointer<Float>,
                 v: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        let t = block.count * tileColumns, splits = splitsWithinBlocks
        Conv2D.inHalves(g.c, splits: splits) { channels, _ in transformInput(x, block: block, channels: channels, into: v, tiles: t) }
        Conv2D.inHalves(16, splits: splits) { products, _ in
            for xi in products {
                BLAS.sgemm(m: g.o, n: t, k: g.c, a: u + xi * g.o * g.c, lda: g.c, b: v + xi * g.c * t, ldb: t,
                           c: m + xi * g.o * t, ldc: t)
            }
        }
        Conv2D.inHalves(g.o, splits: splits) { outputs, _ in transformOutput(m, block: block, outputs: outputs, tiles: t, into: y) }
    }

    /// Adds dL/dU for the tile rows of `block` into `du` ([16][O, C]): dM = A dY Aᵀ per tile (the
    /// adjoint of the output transform), then dU[ξ] += dM[ξ] · V[ξ]ᵀ. `weightGradient(fromTransformed:)`
    /// maps the sum back to dW. `v` and `m` hold 16·C·T and 16·O·T floats.
    func accumulateTransformedWeightGradient(_ x: UnsafePointer<Float>, gradOutput gy: UnsafePointer<Float>,
                                             block: Range<Int>, v: UnsafeMutablePointer<Float>,
                                             m: UnsafeMutablePointer<Float>, into du: UnsafeMutablePointer<Float>) {
        let t = block.count * tileColumns, splits = splitsWithinBlocks
        Conv2D.inHalves(g.c, splits: splits) { channels, _ in transformInput(x, block: block, channels: channels, into: v, tiles: t) }
        Conv2D.inHalves(g.o, splits: splits) { outputs, _ in transformGradient(gy, block: block, outputs: outputs, tiles: t, into: m) }
        Conv2D.inHalves(16, splits: splits) { products, _ in
            for xi in products {
                BLAS.sgemm(transposeB: true, m: g.o, n: g.c, k: t, a: m + xi * g.o * t, lda: t, b: v + xi * g.c * t, ldb: t,
                           beta: 1, c: du + xi * g.o * g.c, ldc: g.c)
            }
        }
    }

    /// Adds dW = Gᵀ dU G ([O, C, 3, 3]) for dU = dL/dU ([16][O, C]) into `gw`.
    func addWeightGradient(fromTransformed du: UnsafePointer<Float>, into gw: UnsafeMutablePointer<Float>) {
        let plane = g.o * g.c, chunk = WinogradConvolution.weightChunk
        Conv2D.inHalves(g.o, splits: splitsWeightTransforms) { outputs, _ in
            let tmp = UnsafeMutablePointer<Float>.allocate(capacity: 16 * chunk)
            defer { tmp.deallocate() }
            for o in outputs {
                for c0 in stride(from: 0, to: g.c, by: chunk) {
                    let n = min(chunk, g.c - c0)
                    for xi in 0..<16 { (tmp + xi * chunk).update(from: du + xi * plane + o * g.c + c0, count: n) }
                    for j in 0..<n {
                        // Rows of dU as SIMD vectors over its columns.
                        func d(_ i: Int) -> SIMD4<Float> {
                            let t = tmp + 4 * i * chunk + j
                            return SIMD4(t[0], t[chunk], t[2 * chunk], t[3 * chunk])
                        }
                        let d0 = d(0), d1 = d(1), d2 = d(2), d3 = d(3)
                        // Gᵀ dU: 3 rows of 4; then (Gᵀ dU) G: 3 columns from 4.
                        let k = gw + (o * g.c + c0 + j) * 9
                        func add(_ a: Int, _ r: SIMD4<Float>) {
                            k[3 * a] += r[0] + 0.5 * (r[1] + r[2]); k[3 * a + 1] += 0.5 * (r[1] - r[2]); k[3 * a + 2] += 0.5 * (r[1] + r[2]) + r[3]
                        }
                        add(0, d0 + 0.5 * (d1 + d2)); add(1, 0.5 * (d1 - d2)); add(2, 0.5 * (d1 + d2) + d3)
                    }
                }
            }
        }
    }

    /// dM[ξ = 4k + l][o, tile] = (A dY Aᵀ)[k, l] for the 2x2 output-gradient tiles (zero outside the image).
    private func transformGradient(_ gy: UnsafePointer<Float>, block: Range<Int>, outputs: Range<Int>, tiles t: Int,
                                   into m: UnsafeMutablePointer<Float>) {
        let tw = tileColumns
        // Two gradient rows, zero-padded to 2·TW columns.
        let p = UnsafeMutablePointer<Float>.allocate(capacity: 4 * tw)
        defer { p.deallocate() }
        for o in outputs {
            for r in block {
                let (image, ty, column) = tileRow(r, of: block)
                copyRows(of: gy + (image * g.o + o) * g.h * g.w, from: 2 * ty, count: 2, leftPadding: 0, into: p, width: 2 * tw)
                let top = p, bottom = p + 2 * tw
                // A dY: rows y0, y0 + y1, y0 - y1, -y1; then the same on columns.
                for k in 0..<4 {
                    let m0 = m + ((4 * k) * g.o + o) * t + column, m1 = m0 + g.o * t, m2 = m1 + g.o * t, m3 = m2 + g.o * t
                    for tx in 0..<tw {
                        let a0 = top[2 * tx], a1 = top[2 * tx + 1], b0 = bottom[2 * tx], b1 = bottom[2 * tx + 1]
                        let c0: Float, c1: Float
                        switch k {
                        case 0: c0 = a0; c1 = a1
                        case 1: c0 = a0 + b0; c1 = a1 + b1
                        case 2: c0 = a0 - b0; c1 = a1 - b1
                        default: c0 = -b0; c1 = -b1
                        }
                        m0[tx] = c0; m1[tx] = c0 + c1; m2[tx] = c0 - c1; m3[tx] = -c1
                    }
                }
            }
        }
    }

    /// V[ξ = 4j + l][c, tile] = (Bᵀ d B)[j, l] for every tile of the block.
    private func transformInput(_ x: UnsafePointer<Float>, block: Range<Int>, channels: Range<Int>, into v: UnsafeMutablePointer<Float>,
                                tiles t: Int) {
        let tw = tileColumns, width = 2 * tw + 2
        // Four padded input rows, then their vertical combinations q0…q3.
        let p = UnsafeMutablePointer<Float>.allocate(capacity: 8 * width)
        defer { p.deallocate() }
        let q = p + 4 * width
        for c in channels {
            for r in block {
                let (image, ty, column) = tileRow(r, of: block)
                copyRows(of: x + (image * g.c + c) * g.h * g.w, from: 2 * ty - 1, count: 4, leftPadding: 1, into: p, width: width)
                let p0 = p, p1 = p + width, p2 = p + 2 * width, p3 = p + 3 * width
                let q0 = q, q1 = q + width, q2 = q + 2 * width, q3 = q + 3 * width
                for i in 0..<width {
                    q0[i] = p0[i] - p2[i]; q1[i] = p1[i] + p2[i]; q2[i] = p2[i] - p1[i]; q3[i] = p1[i] - p3[i]
                }
                for j in 0..<4 {
                    let qj = q + j * width
                    let v0 = v + ((4 * j) * g.c + c) * t + column, v1 = v0 + g.c * t
                    let v2 = v1 + g.c * t, v3 = v2 + g.c * t
                    for tx in 0..<tw {
                        let e0 = qj[2 * tx], o0 = qj[2 * tx + 1], e1 = qj[2 * tx + 2], o1 = qj[2 * tx + 3]
                        v0[tx] = e0 - e1; v1[tx] = o0 + e1; v2[tx] = e1 - o0; v3[tx] = o0 - o1
                    }
                }
            }
        }
    }

    /// Global tile row `r` of `block`: its image, its tile row within that image, and its first column in
    /// the block's [·, T] matrices (V and M).
    private func tileRow(_ r: Int, of block: Range<Int>) -> (image: Int, row: Int, column: Int) {
        (r / tileRows, r % tileRows, (r - block.lowerBound) * tileColumns)
    }

    /// Copies `count` rows of an H x W plane from row `first` on into rows of `width` floats, each
    /// starting `leftPadding` floats in; everything outside the plane is zero.
    private func copyRows(of plane: UnsafePointer<Float>, from first: Int, count: Int, leftPadding: Int,
                          into rows: UnsafeMutablePointer<Float>, width: Int) {
        for k in 0..<count {
            let row = rows + k * width, iy = first + k
            row.update(repeating: 0, count: width)
            if iy >= 0 && iy < g.h { (row + leftPadding).update(from: plane + iy * g.w, count: g.w) }
        }
    }

    /// Y tiles = Aᵀ M A, clipped at the image's last row and column.
    private func transformOutput(_ m: UnsafePointer<Float>, block: Range<Int>, outputs: Range<Int>, tiles t: Int,
                                 into y: UnsafeMutablePointer<Float>) {
        let tw = tileColumns
        let s = UnsafeMutablePointer<Float>.allocate(capacity: 12 * tw)
        defer { s.deallocate() }
        for o in outputs {
            for r in block {
                let (image, ty, column) = tileRow(r, of: block)
                func mrow(_ xi: Int) -> UnsafePointer<Float> { m + (xi * g.o + o) * t + column }
                // Aᵀ M: two rows of four (s0, s1), vectors over the tile columns.
                for l in 0..<4 {
                    let m0 = mrow(l), m1 = mrow(4 + l), m2 = mrow(8 + l), m3 = mrow(12 + l)
                    let s0 = s + l * tw, s1 = s + (4 + l) * tw
                    for tx in 0..<tw { s0[tx] = m0[tx] + m1[tx] + m2[tx]; s1[tx] = m1[tx] - m2[tx] - m3[tx] }
                }
                let out = y + (image * g.o + o) * g.h * g.w
                for i in 0..<2 where 2 * ty + i < g.h {
                    let a0 = s + 4 * i * tw, a1 = a0 + tw, a2 = a1 + tw, a3 = a2 + tw
                    let row = out + (2 * ty + i) * g.w
                    let even = s + 8 * tw, odd = s + 9 * tw
                    for tx in 0..<tw { even[tx] = a0[tx] + a1[tx] + a2[tx]; odd[tx] = a1[tx] - a2[tx] - a3[tx] }
                    let full = g.w / 2
                    for tx in 0..<full { row[2 * tx] = even[tx]; row[2 * tx + 1] = odd[tx] }
                    if g.w % 2 == 1 { row[g.w - 1] = even[full] }
                }
            }
        }
    }
}
