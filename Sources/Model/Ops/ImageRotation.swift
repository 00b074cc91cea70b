import Foundation

/// Rotation of NCHW images about a pivot with bilinear sampling and zero border: CLIPort's
/// `ImageRotator` (kornia `get_rotation_matrix2d` + `warp_affine`).
///
/// Convention (kornia = OpenCV): for angle θ in degrees, M = [[c, s, ·], [-s, c, ·]] with c = cos θ,
/// s = sin θ, maps source pixel (x = column, y = row) to destination about the pivot, and the output is
/// dst(p) = src(M⁻¹ p). With rows pointing down, positive θ turns the picture counter-clockwise as
/// displayed. (The sign that matters for CLIPort's labels, θ_label = −yaw, rides on exactly this
/// matrix; the reference script checks it numerically against kornia.)
///
/// CLIPort pins kornia 0.4.1, whose `warp_affine` defaults to `align_corners=False`: kornia normalises
/// pixels by (size−1) while `affine_grid`/`grid_sample` use size, so the warp carries a slight scale
/// of size/(size−1) about the image centre. `alignCorners: false` (the default here) reproduces that;
/// `true` is the exact pixel-space rotation (kornia ≥ 0.5's default).
public struct RotationSpec: Equatable, Sendable {
    /// Angle in degrees, kornia's sign.
    public var degrees: Double
    /// Pivot in pixel coordinates of the source image (row, column).
    public var pivotRow: Double
    public var pivotColumn: Double
    public var alignCorners: Bool

    public init(degrees: Double, pivotRow: Double, pivotColumn: Double, alignCorners: Bool = false) {
        self.degrees = degrees; self.pivotRow = pivotRow; self.pivotColumn = pivotColumn
        self.alignCorners = alignCorners
    }
}

/// The output window of a rotation: rows [top, top+height), columns [left, left+width) of the rotated
/// image. Computing only a window is how the 36 rotated 64x64 crops avoid rotating the whole image.
public struct PixelWindow: Equatable, Sendable {
    public var top: Int, left: Int, height: Int, width: Int
    public init(top: Int, left: Int, height: Int, width: Int) {
        self.top = top; self.left = left; self.height = height; self.width = width
    }
}

public enum ImageRotation {
    /// Rotates image `x` ([1, C, H, W], or [R, C, H, W] with one image per spec) by each spec and returns
    /// the window of each rotated image, stacked: [R, C, window.height, window.width].
    public static func forward(_ x: Tensor, specs: [RotationSpec], window: PixelWindow? = nil) -> Tensor {
        let (n, c, h, w) = x.nchw
        precondition(n == 1 || n == specs.count, "rotation: \(n) images for \(specs.count) angles")
        let win = window ?? PixelWindow(top: 0, left: 0, height: h, width: w)
        var y = Tensor.zeros([specs.count, c, win.height, win.width])
        let plane = h * w, outPlane = win.height * win.width
        x.scalars.withUnsafeBufferPointer { xp in
        y.scalars.withUnsafeMutableBufferPointer { yp in
            let xb = xp.baseAddress!, yb = yp.baseAddress!
            parallelFor(specs.count, work: specs.count * c * outPlane * 4) { r in
                let taps = Taps(spec: specs[r], height: h, width: w, window: win)
                let src = xb + (n == 1 ? 0 : r) * c * plane
                let dst = yb + r * c * outPlane
                for ch in 0..<c {
                    let s = src + ch * plane, d = dst + ch * outPlane
                    for i in 0..<outPlane {
                        var v: Float = 0
                        for k in 0..<4 where taps.index[i * 4 + k] >= 0 {
                            v += taps.weight[i * 4 + k] * s[Int(taps.index[i * 4 + k])]
                        }
                        d[i] = v
                    }
                }
            }
        }}
        return y
    }

    /// Adjoint of `forward`: the gradient with respect to the source image (shape `inputShape`; when it
    /// has batch 1, the gradients of all rotations are summed into it).
    public static func backward(_ gradOutput: Tensor, inputShape: [Int], specs: [RotationSpec],
                                window: PixelWindow? = nil) -> Tensor {
        let (n, c, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let win = window ?? PixelWindow(top: 0, left: 0, height: h, width: w)
        precondition(gradOutput.shape == [specs.count, c, win.height, win.width], "rotation backward: shape mismatch")
        var gx = Tensor.zeros(inputShape)
        let plane = h * w, outPlane = win.height * win.width
        gradOutput.scalars.withUnsafeBufferPointer { gp in
        gx.scalars.withUnsafeMutableBufferPointer { xp in
            for r in 0..<specs.count {
                let taps = Taps(spec: specs[r], height: h, width: w, window: win)
                let dst = xp.baseAddress! + (n == 1 ? 0 : r) * c * plane
                let src = gp.baseAddress! + r * c * outPlane
                for ch in 0..<c {
                    let s = src + ch * outPlane, d = dst + ch * plane
                    for i in 0..<outPlane {
                        let g = s[i]
                        for k in 0..<4 where taps.index[i * 4 + k] >= 0 {
                            d[Int(taps.index[i * 4 + k])] += taps.weight[i * 4 + k] * g
                        }
                    }
                }
            }
        }}
        return gx
    }

    /// For each output pixel of the window, the 4 bilinear source taps (flat index into an H x W plane,
    /// or -1 when outside the image, which grid_sample's zero padding drops) and their weights.
    struct Taps {
        var index: [Int32]
        var weight: [Float]

        init(spec: RotationSpec, height h: Int, width w: Int, window win: PixelWindow) {
            let count = win.height * win.width
            index = [Int32](repeating: -1, count: count * 4)
            weight = [Float](repeating: 0, count: count * 4)
            let theta = spec.degrees * Double.pi / 180
            let c = cos(theta), s = sin(theta)
            let cx = spec.pivotColumn, cy = spec.pivotRow
            // Pixel <-> sampling-grid scale per axis (1 when align_corners, (S-1)/S otherwise).
            let ax = spec.alignCorners || w < 2 ? 1.0 : Double(w - 1) / Double(w)
            let ay = spec.alignCorners || h < 2 ? 1.0 : Double(h - 1) / Double(h)
            for oy in 0..<win.height {
                for ox in 0..<win.width {
                    let jx = Double(ox + win.left), jy = Double(oy + win.top)
                    // Destination pixel in kornia's pixel frame.
                    let px = spec.alignCorners ? jx : (jx + 0.5) * ax
                    let py = spec.alignCorners ? jy : (jy + 0.5) * ay
                    // Inverse rotation: q = centre + R^T (p - centre), R = [[c, s], [-s, c]].
                    let dx = px - cx, dy = py - cy
                    let qx = cx + c * dx - s * dy
                    let qy = cy + s * dx + c * dy
                    // Back to grid_sample's pixel coordinates.
                    let sx = spec.alignCorners ? qx : qx / ax - 0.5
                    let sy = spec.alignCorners ? qy : qy / ay - 0.5
                    let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                    let fx = Float(sx - Double(x0)), fy = Float(sy - Double(y0))
                    let base = (oy * win.width + ox) * 4
                    for k in 0..<4 {
                        let yy = y0 + (k >> 1), xx = x0 + (k & 1)
                        guard yy >= 0 && yy < h && xx >= 0 && xx < w else { continue }
                        index[base + k] = Int32(yy * w + xx)
                        weight[base + k] = ((k >> 1) == 1 ? fy : 1 - fy) * ((k & 1) == 1 ? fx : 1 - fx)
                    }
                }
            }
        }
    }
}
