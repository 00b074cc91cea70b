import Foundation
import Geometry

/// A rotation matrix and a translation: the frames of the arm's kinematics, where products of many
/// transforms and reading single matrix entries (the closed-form inverse kinematics) are the work.
/// `Pose` (position + quaternion) is what MuJoCo and the rest of the simulator take; convert at the edge.
public struct RigidTransform: Equatable, Sendable {
    /// Rows of the 3x3 rotation matrix.
    public var rows: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)
    public var translation: SIMD3<Double>

    public init(rows: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>), translation: SIMD3<Double> = .zero) {
        self.rows = rows; self.translation = translation
    }

    public static let identity = RigidTransform(rows: (SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)))

    public init(_ pose: Pose) {
        let m = pose.rotation.normalized.rotationMatrix
        self.init(rows: (m[0], m[1], m[2]), translation: pose.position)
    }

    public static func translation(_ t: SIMD3<Double>) -> RigidTransform {
        var r = RigidTransform.identity
        r.translation = t
        return r
    }

    /// A rotation by `angle` about the x, y or z axis (0, 1, 2).
    public static func rotation(axis: Int, angle: Double) -> RigidTransform {
        let c = cos(angle), s = sin(angle)
        switch axis {
        case 0: return RigidTransform(rows: (SIMD3(1, 0, 0), SIMD3(0, c, -s), SIMD3(0, s, c)))
        case 1: return RigidTransform(rows: (SIMD3(c, 0, s), SIMD3(0, 1, 0), SIMD3(-s, 0, c)))
        default: return RigidTransform(rows: (SIMD3(c, -s, 0), SIMD3(s, c, 0), SIMD3(0, 0, 1)))
        }
    }

    public static func == (a: RigidTransform, b: RigidTransform) -> Bool {
        a.rows.0 == b.rows.0 && a.rows.1 == b.rows.1 && a.rows.2 == b.rows.2 && a.translation == b.translation
    }

    /// Entry (row, column) of the rotation matrix.
    public subscript(row: Int, column: Int) -> Double {
        let r = row == 0 ? rows.0 : (row == 1 ? rows.1 : rows.2)
        return r[column]
    }

    /// Column `i` of the rotation: the frame's x, y or z axis in the parent frame.
    public func axis(_ i: Int) -> SIMD3<Double> { SIMD3(rows.0[i], rows.1[i], rows.2[i]) }

    public func rotate(_ v: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3((rows.0 * v).sum(), (rows.1 * v).sum(), (rows.2 * v).sum())
    }

    public func apply(_ p: SIMD3<Double>) -> SIMD3<Double> { rotate(p) + translation }

    public static func * (a: RigidTransform, b: RigidTransform) -> RigidTransform {
        let c0 = b.axis(0), c1 = b.axis(1), c2 = b.axis(2)
        func row(_ r: SIMD3<Double>) -> SIMD3<Double> { SIMD3((r * c0).sum(), (r * c1).sum(), (r * c2).sum()) }
        return RigidTransform(rows: (row(a.rows.0), row(a.rows.1), row(a.rows.2)), translation: a.apply(b.translation))
    }

    public var inverse: RigidTransform {
        let t = RigidTransform(rows: (axis(0), axis(1), axis(2)))
        return RigidTransform(rows: t.rows, translation: -t.rotate(translation))
    }

    /// The same frame as a `Pose` (quaternion by Shepperd's method: the largest of w, x, y, z first, so it
    /// stays accurate near 180-degree rotations).
    public var pose: Pose {
        let (m00, m11, m22) = (self[0, 0], self[1, 1], self[2, 2])
        let trace = m00 + m11 + m22
        var q: Quaternion
        if trace > 0 {
            let s = (trace + 1).squareRoot() * 2
            q = Quaternion(x: (self[2, 1] - self[1, 2]) / s, y: (self[0, 2] - self[2, 0]) / s, z: (self[1, 0] - self[0, 1]) / s, w: s / 4)
        } else if m00 > m11, m00 > m22 {
            let s = (1 + m00 - m11 - m22).squareRoot() * 2
            q = Quaternion(x: s / 4, y: (self[0, 1] + self[1, 0]) / s, z: (self[0, 2] + self[2, 0]) / s, w: (self[2, 1] - self[1, 2]) / s)
        } else if m11 > m22 {
            let s = (1 + m11 - m00 - m22).squareRoot() * 2
            q = Quaternion(x: (self[0, 1] + self[1, 0]) / s, y: s / 4, z: (self[1, 2] + self[2, 1]) / s, w: (self[0, 2] - self[2, 0]) / s)
        } else {
            let s = (1 + m22 - m00 - m11).squareRoot() * 2
            q = Quaternion(x: (self[0, 2] + self[2, 0]) / s, y: (self[1, 2] + self[2, 1]) / s, z: s / 4, w: (self[1, 0] - self[0, 1]) / s)
        }
        if q.w < 0 { q = Quaternion(x: -q.x, y: -q.y, z: -q.z, w: -q.w) }
        return Pose(position: translation, rotation: q.normalized)
    }
}
