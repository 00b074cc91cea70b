import Foundation

/// A rotation as a unit quaternion, stored in CLIPort's (and PyBullet's) x, y, z, w order.
public struct Quaternion: Equatable, Hashable, Codable, Sendable {
    public var x: Double
    public var y: Double
    public var z: Double
    public var w: Double

    public init(x: Double, y: Double, z: Double, w: Double) {
        self.x = x; self.y = y; self.z = z; self.w = w
    }

    public static let identity = Quaternion(x: 0, y: 0, z: 0, w: 1)

    /// Rotation of `angle` radians about `axis` (normalised here).
    public init(axis: SIMD3<Double>, angle: Double) {
        let n = axis / (axis * axis).sum().squareRoot()
        let s = sin(angle / 2)
        self.init(x: n.x * s, y: n.y * s, z: n.z * s, w: cos(angle / 2))
    }

    /// Rotation about the world z axis (what CLIPort calls yaw).
    public init(yaw: Double) {
        self.init(x: 0, y: 0, z: sin(yaw / 2), w: cos(yaw / 2))
    }

    /// PyBullet's `getQuaternionFromEuler((roll, pitch, yaw))`: R = Rz(yaw) * Ry(pitch) * Rx(roll).
    public init(roll: Double, pitch: Double, yaw: Double) {
        let (cr, sr) = (cos(roll / 2), sin(roll / 2))
        let (cp, sp) = (cos(pitch / 2), sin(pitch / 2))
        let (cy, sy) = (cos(yaw / 2), sin(yaw / 2))
        self.init(x: sr * cp * cy - cr * sp * sy,
                  y: cr * sp * cy + sr * cp * sy,
                  z: cr * cp * sy - sr * sp * cy,
                  w: cr * cp * cy + sr * sp * sy)
    }

    /// Angle about z of the rotation (the z of an x-y-z Euler decomposition, as transforms3d gives it).
    public var yaw: Double {
        atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z))
    }

    public var conjugate: Quaternion { Quaternion(x: -x, y: -y, z: -z, w: w) }

    public var normalized: Quaternion {
        let n = (x * x + y * y + z * z + w * w).squareRoot()
        return Quaternion(x: x / n, y: y / n, z: z / n, w: w / n)
    }

    /// Hamilton product: `a * b` applies `b` first, then `a`.
    public static func * (a: Quaternion, b: Quaternion) -> Quaternion {
        Quaternion(x: a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
                   y: a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
                   z: a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w,
                   w: a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z)
    }

    /// Rotates a vector.
    public func rotate(_ v: SIMD3<Double>) -> SIMD3<Double> {
        let m = rotationMatrix
        return SIMD3(m[0].x * v.x + m[0].y * v.y + m[0].z * v.z,
                     m[1].x * v.x + m[1].y * v.y + m[1].z * v.z,
                     m[2].x * v.x + m[2].y * v.y + m[2].z * v.z)
    }

    /// Row-major 3x3 rotation matrix (rows as SIMD3), as PyBullet's `getMatrixFromQuaternion`.
    public var rotationMatrix: [SIMD3<Double>] {
        let (xx, yy, zz) = (x * x, y * y, z * z)
        let (xy, xz, yz) = (x * y, x * z, y * z)
        let (wx, wy, wz) = (w * x, w * y, w * z)
        return [SIMD3(1 - 2 * (yy + zz), 2 * (xy - wz), 2 * (xz + wy)),
                SIMD3(2 * (xy + wz), 1 - 2 * (xx + zz), 2 * (yz - wx)),
                SIMD3(2 * (xz - wy), 2 * (yz + wx), 1 - 2 * (xx + yy))]
    }

    /// Components as an array in x, y, z, w order (the on-disk order).
    public var xyzw: [Double] { [x, y, z, w] }
}
