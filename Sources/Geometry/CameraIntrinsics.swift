import Foundation

/// A pinhole camera's intrinsics (pixels), without distortion.
public struct CameraIntrinsics: Equatable, Codable, Sendable {
    public var width: Int
    public var height: Int
    public var fx: Double
    public var fy: Double
    public var cx: Double
    public var cy: Double

    public init(width: Int, height: Int, fx: Double, fy: Double, cx: Double, cy: Double) {
        self.width = width; self.height = height
        self.fx = fx; self.fy = fy; self.cx = cx; self.cy = cy
    }

    /// Vertical field of view in degrees (what OpenGL projections and MuJoCo cameras take).
    public var verticalFOVDegrees: Double { 2 * atan(Double(height) / 2 / fy) * 180 / .pi }

    /// Row-major 3x3 K matrix.
    public var matrix: [Double] { [fx, 0, cx, 0, fy, cy, 0, 0, 1] }
}
