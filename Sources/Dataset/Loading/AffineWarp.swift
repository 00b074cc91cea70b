import Foundation

/// `cv2.warpAffine(src, M, (cols, rows), flags=INTER_LINEAR)` with a constant 0 border, reproduced step for
/// step so augmented images match CLIPort's: OpenCV inverts M, walks the destination in 1/1024-pixel fixed
/// point, quantises the source position to 1/32 pixel, and blends the 2x2 neighbours with float weights from
/// a 32x32 table (out-of-image neighbours count as 0). Pixels are 4 floats (R, G, B, height), or 8 (an image
/// and its goal, warped together: one walk of the coordinates, the same arithmetic lane by lane).
public enum AffineWarp {
    static let interBits = 5, tabSize = 1 << 5, abBits = 10, abScale = 1 << 10

    /// OpenCV's float bilinear weight table: entry (fy * 32 + fx) = ((1-y)(1-x), (1-y)x, y(1-x), yx).
    static let weights: [SIMD4<Float>] = {
        var table: [SIMD4<Float>] = []
        for i in 0..<32 {
            let y = Float(i) * (1 / Float(32))
            for j in 0..<32 {
                let x = Float(j) * (1 / Float(32))
                table.append(SIMD4((1 - y) * (1 - x), (1 - y) * x, y * (1 - x), y * x))
            }
        }
        return table
    }()

    /// cvRound: nearest, ties to even, saturated to Int32.
    @inline(__always) static func cvRound(_ v: Double) -> Int32 {
        let r = v.rounded(.toNearestOrEven)
        return Int32(max(min(r, Double(Int32.max)), Double(Int32.min)))
    }

    /// The inverse of the 2x3 forward `matrix` as OpenCV computes it inside warpAffine.
    static func invert(_ m: [Double]) -> [Double] {
        var m = m
        var d = m[0] * m[4] - m[1] * m[3]
        d = d != 0 ? 1 / d : 0
        let a11 = m[4] * d, a22 = m[0] * d
        m[0] = a11; m[1] *= -d
        m[3] *= -d; m[4] = a22
        let b1 = -m[0] * m[2] - m[1] * m[5]
        let b2 = -m[3] * m[2] - m[4] * m[5]
        m[2] = b1; m[5] = b2
        return m
    }

    /// Warps `src` (rows x cols pixels) by the forward `matrix` into `dst` (same size): dst(x, y) = src(M^-1 (x, y)).
    public static func warp(_ src: UnsafeBufferPointer<SIMD4<Float>>, rows: Int, cols: Int, matrix: [Double],
                            into dst: UnsafeMutableBufferPointer<SIMD4<Float>>) {
        precondition(dst.count == rows * cols, "warp: buffers must hold rows * cols pixels")
        var sink = PixelSink(dst: dst)
        warp(src, rows: rows, cols: cols, matrix: matrix, into: &sink)
    }

    /// The same warp, handing each destination pixel (index y * cols + x, value) to `sink`, so callers can
    /// write their own layout without an intermediate image (a generic, so it specialises and inlines).
    static func warp<Sink: WarpSink>(_ src: UnsafeBufferPointer<Sink.Pixel>, rows: Int, cols: Int, matrix: [Double],
                                     into sink: inout Sink) {
        precondition(src.count == rows * cols, "warp: the source must hold rows * cols pixels")
        let m = invert(matrix)
        let roundDelta = Int32(abScale / tabSize / 2)
        let shift = Int32(abBits - interBits)
        var adelta = [Int32](repeating: 0, count: cols), bdelta = [Int32](repeating: 0, count: cols)
        for x in 0..<cols {
            adelta[x] = cvRound(m[0] * Double(x) * Double(abScale))
            bdelta[x] = cvRound(m[3] * Double(x) * Double(abScale))
        }
        let zero = Sink.Pixel()
        let width = Int32(cols), height = Int32(rows)
        weights.withUnsafeBufferPointer { table in
            for y in 0..<rows {
                let x0 = cvRound((m[1] * Double(y) + m[2]) * Double(abScale)) &+ roundDelta
                let y0 = cvRound((m[4] * Double(y) + m[5]) * Double(abScale)) &+ roundDelta
                let rowBase = y * cols
                for x in 0..<cols {
                    let X = (x0 &+ adelta[x]) >> shift
                    let Y = (y0 &+ bdelta[x]) >> shift
                    let sx = X >> Int32(interBits), sy = Y >> Int32(interBits)
                    let w = table[Int((Y & Int32(tabSize - 1)) * Int32(tabSize) + (X & Int32(tabSize - 1)))]
                    let out: Sink.Pixel
                    if sx >= 0, sy >= 0, sx < width - 1, sy < height - 1 {
                        let i = Int(sy) * cols + Int(sx)
                        out = src[i] * w[0] + src[i + 1] * w[1] + src[i + cols] * w[2] + src[i + cols + 1] * w[3]
                    } else if sx >= width || sx + 1 < 0 || sy >= height || sy + 1 < 0 {
                        out = zero
                    } else {
                        @inline(__always) func at(_ c: Int32, _ r: Int32) -> Sink.Pixel {
                            (c >= 0 && c < width && r >= 0 && r < height) ? src[Int(r) * cols + Int(c)] : zero
                        }
                        out = at(sx, sy) * w[0] + at(sx + 1, sy) * w[1] + at(sx, sy + 1) * w[2] + at(sx + 1, sy + 1) * w[3]
                    }
                    sink.store(rowBase &+ x, out)
                }
            }
        }
    }
}

/// Receives the warped pixels.
protocol WarpSink {
    associatedtype Pixel: SIMD where Pixel.Scalar == Float
    mutating func store(_ index: Int, _ value: Pixel)
}

struct PixelSink: WarpSink {
    let dst: UnsafeMutableBufferPointer<SIMD4<Float>>
    @inline(__always) func store(_ index: Int, _ value: SIMD4<Float>) { dst[index] = value }
}
