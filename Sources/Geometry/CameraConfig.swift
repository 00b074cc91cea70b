import Foundation

/// One camera: intrinsics, its pose in the world (OpenCV convention: +z looks forward, +y points down
/// in the image), and the depth range it reports.
public struct CameraConfig: Equatable, Codable, Sendable {
    public var name: String
    public var intrinsics: CameraIntrinsics
    public var pose: Pose
    public var zNear: Double
    public var zFar: Double

    public init(name: String, intrinsics: CameraIntrinsics, pose: Pose, zNear: Double, zFar: Double) {
        self.name = name; self.intrinsics = intrinsics; self.pose = pose
        self.zNear = zNear; self.zFar = zFar
    }

    /// CLIPort's `RealSenseD415.CONFIG`: three 640x480 cameras, f = 450, z range 0.01 to 10 m.
    public static let realSenseD415: [CameraConfig] = {
        let k = CameraIntrinsics(width: 640, height: 480, fx: 450, fy: 450, cx: 320, cy: 240)
        func camera(_ name: String, _ p: SIMD3<Double>, roll: Double, pitch: Double, yaw: Double) -> CameraConfig {
            CameraConfig(name: name, intrinsics: k,
                         pose: Pose(position: p, rotation: Quaternion(roll: roll, pitch: pitch, yaw: yaw)),
                         zNear: 0.01, zFar: 10)
        }
        return [
            camera("front", SIMD3(1.0, 0, 0.75), roll: .pi / 4, pitch: .pi, yaw: -.pi / 2),
            camera("left", SIMD3(0, 0.5, 0.75), roll: .pi / 4.5, pitch: .pi, yaw: .pi / 4),
            camera("right", SIMD3(0, -0.5, 0.75), roll: .pi / 4.5, pitch: .pi, yaw: 3 * .pi / 4),
        ]
    }()

    /// World direction of the optical axis (camera +z).
    public var lookDirection: SIMD3<Double> { pose.rotation.rotate(SIMD3(0, 0, 1)) }
    /// World direction of image-up (camera -y).
    public var upDirection: SIMD3<Double> { pose.rotation.rotate(SIMD3(0, -1, 0)) }

    /// Back-projects pixel (column `u`, row `v`) at depth `d` (metres along the optical axis) to the world.
    public func worldPoint(u: Double, v: Double, depth d: Double) -> SIMD3<Double> {
        let k = intrinsics
        return pose.transform(SIMD3((u - k.cx) * d / k.fx, (v - k.cy) * d / k.fy, d))
    }
}
