import BLAS

/// A same-size stride-1 convolution (3x3 with padding 1, the ResNets' workhorse) as KH products over
/// one matrix of horizontal taps, instead of one product over the full im2col matrix.
///
/// im2col copies every pixel KH·KW times. Here Z holds each input row shifted by the KW horizontal
/// taps, for the block's rows plus KH-1 more: Z[(c, kj), (r, x)] = X[c, r0 - ph + r, x - pw + kj]
/// (zero outside). Kernel row ki then reads Z from row ki on, a plain column offset, so
/// Y = Σ_ki W_ki · Z[ki…], with W_ki[o, (c, kj)] = W[o, c, ki, kj]: a third of the copying for 3x3.
struct RowTapConvolution {
    let g: ConvGeometry
    /// A 1 x KW convolution with the same padding: its im2col rows are Z's rows, its output rows the
    /// padded input rows.
    let rows: ConvGeometry

    /// Whether `g` is a same-size stride-1 convolution with more than one kernel row, worked one image
    /// (or row chunk) per block.
    static func applies(to g: ConvGeometry) -> Bool {
        let o = g.options
        return o.strideH == 1 && o.strideW == 1 && g.kh > 1 && g.ho == g.h && g.wo == g.w && g.imagesPerBlock == 1
    }

    init(_ g: ConvGeometry) {
        self.g = g
        rows = ConvGeometry(input: [g.n, g.c, g.h, g.w], weight: [g.o, g.c, 1, g.kw],
                            options: Conv2DOptions(strideH: 1, strideW: 1, paddingH: g.options.paddingH,
                                                   paddingW: g.options.paddingW), columnLimit: g.columnLimit)
    }

    /// Rows of Z (C·KW) and its columns for a block of output rows.
    var tapRows: Int { g.c * g.kw }
    func zColumns(_ blk: ConvBlock) -> Int { (blk.r1 - blk.r0 + g.kh - 1) * g.w }
    var maxZSize: Int { tapRows * (g.rowsPerChunk + g.kh - 1) * g.w }

    /// W regrouped by kernel row: [KH][O, C·KW].
    func groupedWeights(_ w: UnsafePointer<Float>) -> [Float] {
        var out = [Float](repeating: 0, count: g.kh * g.o * tapRows)
        for o in 0..<g.o {
            for c in 0..<g.c {
                for ki in 0..<g.kh {
                    for kj in 0..<g.kw {
                        out[(ki * g.o + o) * tapRows + c * g.kw + kj] = w[((o * g.c + c) * g.kh + ki) * g.kw + kj]
                    }
                }
            }
        }
        return out
    }

    /// Fills Z for output rows [blk.r0, blk.r1) of image blk.n0.
    func fillTaps(_ x: UnsafePointer<Float>, _ blk: ConvBlock, into z: UnsafeMutablePointer<Float>) {
        im2col(x + blk.n0 * g.c * g.h * g.w, rows, rowStart: blk.r0, rowEnd: blk.r1 + g.kh - 1,
               into: z, ld: zColumns(blk))
    }

    /// Output rows of the block: Y[:, r0…r1) = Σ_ki W_ki · Z[ki…].
    func forward(_ z: UnsafePointer<Float>, _ blk: ConvBlock, weights: UnsafePointer<Float>,
                 into y: UnsafeMutablePointer<Float>) {
        let plane = g.ho * g.wo, ncols = (blk.r1 - blk.r0) * g.w
        for ki in 0..<g.kh {
            BLAS.sgemm(m: g.o, n: ncols, k: tapRows, a: weights + ki * g.o * tapRows, lda: tapRows,
                       b: z + ki * g.w, ldb: zColumns(blk), beta: ki == 0 ? 0 : 1,
                       c: y + blk.n0 * g.o * plane + blk.r0 * g.wo, ldc: plane)
        }
    }

    /// dW_ki[O, C·KW] += dY[O, block] · Z[ki…]^T into `grouped` ([KH][O, C·KW]).
    func accumulateWeightGradient(_ z: UnsafePointer<Float>, _ blk: ConvBlock, gradOutput gy: UnsafePointer<Float>,
                                  into grouped: UnsafeMutablePointer<Float>) {
        let plane = g.ho * g.wo, ncols = (blk.r1 - blk.r0) * g.w
        for ki in 0..<g.kh {
            BLAS.sgemm(transposeB: true, m: g.o, n: tapRows, k: ncols,
                       a: gy + blk.n0 * g.o * plane + blk.r0 * g.wo, lda: plane,
                       b: z + ki * g.w, ldb: zColumns(blk), beta: 1, c: grouped + ki * g.o * tapRows, ldc: tapRows)
        }
    }

    /// Adds a grouped weight gradient into dW [O, C, KH, KW].
    func addGrouped(_ grouped: UnsafePointer<Float>, into gw: UnsafeMutablePointer<Float>) {
        for o in 0..<g.o {
            for c in 0..<g.c {
                for ki in 0..<g.kh {
                    for kj in 0..<g.kw {
                        gw[((o * g.c + c) * g.kh + ki) * g.kw + kj] += grouped[(ki * g.o + o) * tapRows + c * g.kw + kj]
                    }
                }
            }
        }
    }
}
