import Foundation

/// A rigid transform: position in metres and orientation, in the robot base (world) frame.
public struct Pose: Equatable, Hashable, Codable, Sendable {
    public var position: SIMD3<Double>
    public var rotation: Quaternion

    public init(position: SIMD3<Double>, rotation: Quaternion = .identity) {
        self.position = position
        self.rotation = rotation
    }

    public static let identity = Pose(position: .zero)

    /// `a * b` maps points of frame b into frame a's parent (apply b, then a).
    public static func * (a: Pose, b: Pose) -> Pose {
        Pose(position: a.position + a.rotation.rotate(b.position), rotation: (a.rotation * b.rotation).normalized)
    }

    public var inverse: Pose {
        let inv = rotation.conjugate
        return Pose(position: -inv.rotate(position), rotation: inv)
    }

    public func transform(_ point: SIMD3<Double>) -> SIMD3<Double> {
        position + rotation.rotate(point)
    }

    /// The same pose with its orientation reduced to the rotation about z (CLIPort does this for suction picks).
    public var yawOnly: Pose { Pose(position: position, rotation: Quaternion(yaw: rotation.yaw)) }

    /// Seven numbers: x, y, z, qx, qy, qz, qw (the on-disk order).
    public var components: [Double] { [position.x, position.y, position.z] + rotation.xyzw }

    public init(components c: [Double]) {
        precondition(c.count == 7, "a pose has 7 components (xyz + quaternion xyzw)")
        self.init(position: SIMD3(c[0], c[1], c[2]), rotation: Quaternion(x: c[3], y: c[4], z: c[5], w: c[6]))
    }
}
