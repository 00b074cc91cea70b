import Foundation
import Geometry

/// One camera's calibration as a real RGB-D driver knows it: intrinsics K, OpenCV distortion
/// coefficients (k1, k2, p1, p2[, k3]), the camera pose in the robot base frame (`base_T_cam`, OpenCV
/// axes: +x right, +y down, +z forward) and the depth scale (metres per unit of the 16-bit depth PNG).
/// Stored as JSON with every captured episode.
public struct CameraCalibration: Equatable, Codable, Sendable {
    public var name: String
    public var width: Int
    public var height: Int
    /// Row-major 3x3 intrinsic matrix.
    public var K: [Double]
    public var distortion: [Double]
    public var base_T_cam: Transform
    public var depth_scale: Double
    public var z_near: Double?
    public var z_far: Double?

    /// A camera pose: position in metres and orientation as a quaternion (x, y, z, w), or a row-major 4x4
    /// matrix (either is accepted on input; both are written).
    public struct Transform: Equatable, Codable, Sendable {
        public var position: [Double]?
        public var orientation_xyzw: [Double]?
        public var matrix: [[Double]]?

        public init(pose: Pose) {
            position = [pose.position.x, pose.position.y, pose.position.z]
            orientation_xyzw = pose.rotation.xyzw
            let r = pose.rotation.rotationMatrix
            matrix = [[r[0].x, r[0].y, r[0].z, pose.position.x], [r[1].x, r[1].y, r[1].z, pose.position.y],
                      [r[2].x, r[2].y, r[2].z, pose.position.z], [0, 0, 0, 1]]
        }

        public func pose(camera: String, path: String) throws -> Pose {
            if let p = position, let q = orientation_xyzw {
                guard p.count == 3, q.count == 4, (p + q).allSatisfy(\.isFinite) else {
                    throw CaptureError.calibration(path: path, problem: "camera \(camera): base_T_cam needs position [x, y, z] and orientation_xyzw [x, y, z, w]")
                }
                let n = (q.map { $0 * $0 }.reduce(0, +)).squareRoot()
                guard abs(n - 1) < 1e-3 else {
                    throw CaptureError.calibration(path: path, problem: "camera \(camera): orientation_xyzw has norm \(n), not 1")
                }
                return Pose(position: SIMD3(p[0], p[1], p[2]), rotation: Quaternion(x: q[0], y: q[1], z: q[2], w: q[3]).normalized)
            }
            if let m = matrix {
                guard m.count >= 3, m.prefix(3).allSatisfy({ $0.count == 4 }), m.joined().allSatisfy(\.isFinite) else {
                    throw CaptureError.calibration(path: path, problem: "camera \(camera): base_T_cam.matrix must be 4x4 (row-major)")
                }
                return Pose(position: SIMD3(m[0][3], m[1][3], m[2][3]), rotation: Self.quaternion(from: m))
            }
            throw CaptureError.calibration(path: path, problem: "camera \(camera): base_T_cam needs position + orientation_xyzw or a 4x4 matrix")
        }

        /// Shepperd's method on the rotation block.
        static func quaternion(from m: [[Double]]) -> Quaternion {
            let trace = m[0][0] + m[1][1] + m[2][2]
            if trace > 0 {
                let s = (trace + 1).squareRoot() * 2
                return Quaternion(x: (m[2][1] - m[1][2]) / s, y: (m[0][2] - m[2][0]) / s, z: (m[1][0] - m[0][1]) / s, w: s / 4).normalized
            } else if m[0][0] > m[1][1], m[0][0] > m[2][2] {
                let s = (1 + m[0][0] - m[1][1] - m[2][2]).squareRoot() * 2
                return Quaternion(x: s / 4, y: (m[0][1] + m[1][0]) / s, z: (m[0][2] + m[2][0]) / s, w: (m[2][1] - m[1][2]) / s).normalized
            } else if m[1][1] > m[2][2] {
                let s = (1 + m[1][1] - m[0][0] - m[2][2]).squareRoot() * 2
                return Quaternion(x: (m[0][1] + m[1][0]) / s, y: s / 4, z: (m[1][2] + m[2][1]) / s, w: (m[0][2] - m[2][0]) / s).normalized
            } else {
                let s = (1 + m[2][2] - m[0][0] - m[1][1]).squareRoot() * 2
                return Quaternion(x: (m[0][2] + m[2][0]) / s, y: (m[1][2] + m[2][1]) / s, z: s / 4, w: (m[1][0] - m[0][1]) / s).normalized
            }
        }
    }

    public init(name: String, width: Int, height: Int, K: [Double], distortion: [Double], base_T_cam: Pose,
                depthScale: Double, zNear: Double? = nil, zFar: Double? = nil) {
        self.name = name; self.width = width; self.height = height; self.K = K; self.distortion = distortion
        self.base_T_cam = Transform(pose: base_T_cam); depth_scale = depthScale; z_near = zNear; z_far = zFar
    }

    /// The calibration of an ideal camera (no distortion), e.g. a simulated one.
    public init(camera: CameraConfig, depthScale: Double) {
        self.init(name: camera.name, width: camera.intrinsics.width, height: camera.intrinsics.height,
                  K: camera.intrinsics.matrix, distortion: [0, 0, 0, 0, 0], base_T_cam: camera.pose, depthScale: depthScale,
                  zNear: camera.zNear, zFar: camera.zFar)
    }

    public var hasDistortion: Bool { distortion.contains { $0 != 0 } }

    /// The pinhole camera the heightmap fusion uses (frames are undistorted to it first).
    public func cameraConfig(path: String) throws -> CameraConfig {
        guard width > 0, height > 0 else { throw CaptureError.calibration(path: path, problem: "camera \(name): width and height must be positive") }
        guard K.count == 9, K.allSatisfy(\.isFinite), K[0] > 0, K[4] > 0 else {
            throw CaptureError.calibration(path: path, problem: "camera \(name): K must be 9 numbers (row-major 3x3) with fx, fy > 0")
        }
        guard [0, 4, 5, 8].contains(distortion.count), distortion.allSatisfy(\.isFinite) else {
            throw CaptureError.calibration(path: path, problem: "camera \(name): distortion must be [k1, k2, p1, p2] or [k1, k2, p1, p2, k3]")
        }
        guard depth_scale > 0, depth_scale.isFinite else {
            throw CaptureError.calibration(path: path, problem: "camera \(name): depth_scale must be positive (0.001 for depth in millimetres)")
        }
        guard name.range(of: "^[A-Za-z0-9_-]{1,32}$", options: .regularExpression) != nil else {
            throw CaptureError.calibration(path: path, problem: "camera name '\(name)' must be 1-32 letters, digits, '-' or '_'")
        }
        return CameraConfig(name: name,
                            intrinsics: CameraIntrinsics(width: width, height: height, fx: K[0], fy: K[4], cx: K[2], cy: K[5]),
                            pose: try base_T_cam.pose(camera: name, path: path), zNear: z_near ?? 0.01, zFar: z_far ?? 10)
    }

    /// The calibration of several cameras as the JSON stored with each episode.
    public static func json(_ cameras: [CameraCalibration]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(CalibrationFile(cameras: cameras))) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// The `calibration.json` of a camera folder (and the `calibration` attribute of each episode).
public struct CalibrationFile: Equatable, Codable, Sendable {
    public var cameras: [CameraCalibration]
    public init(cameras: [CameraCalibration]) { self.cameras = cameras }
}
