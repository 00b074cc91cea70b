import Foundation
import Geometry

/// Removes lens distortion (OpenCV's model: radial k1, k2, k3 and tangential p1, p2) by remapping each
/// pixel of the ideal pinhole image (same K) to where the lens put it, nearest neighbour. Nearest (not
/// bilinear) so depth edges are not blended into points floating between objects. The map is computed
/// once per camera.
public struct LensUndistortion: Sendable {
    public let width: Int
    public let height: Int
    /// For each output pixel, the source pixel index, or -1 when it falls outside the image.
    let sourceIndex: [Int32]

    public init(calibration c: CameraCalibration) {
        width = c.width
        height = c.height
        let fx = c.K[0], fy = c.K[4], cx = c.K[2], cy = c.K[5]
        let d = c.distortion + [Double](repeating: 0, count: max(0, 5 - c.distortion.count))
        let (k1, k2, p1, p2, k3) = (d[0], d[1], d[2], d[3], d[4])
        var map = [Int32](repeating: -1, count: width * height)
        for v in 0..<height {
            for u in 0..<width {
                let x = (Double(u) - cx) / fx, y = (Double(v) - cy) / fy
                let r2 = x * x + y * y
                let radial = 1 + k1 * r2 + k2 * r2 * r2 + k3 * r2 * r2 * r2
                let xd = x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x)
                let yd = y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y
                let su = Int((xd * fx + cx).rounded()), sv = Int((yd * fy + cy).rounded())
                if su >= 0, su < width, sv >= 0, sv < height { map[v * width + u] = Int32(sv * width + su) }
            }
        }
        sourceIndex = map
    }

    /// The undistorted frame; pixels with no source are black with no depth (0).
    public func apply(_ frame: RGBDFrame) -> RGBDFrame {
        var color = [UInt8](repeating: 0, count: width * height * 3)
        var depth = [Float](repeating: 0, count: width * height)
        for i in 0..<(width * height) {
            let s = Int(sourceIndex[i])
            guard s >= 0 else { continue }
            depth[i] = frame.depth[s]
            color[i * 3] = frame.color[s * 3]
            color[i * 3 + 1] = frame.color[s * 3 + 1]
            color[i * 3 + 2] = frame.color[s * 3 + 2]
        }
        return RGBDFrame(width: width, height: height, color: color, depth: depth)
    }
}
