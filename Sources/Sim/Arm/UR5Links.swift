import Foundation

/// One drawn piece of an arm link: a cylinder (along its local z) or a box, placed in the link's frame.
public struct ArmPart: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case cylinder(radius: Double, halfLength: Double)
        case box(halfSize: SIMD3<Double>)
    }
    public var kind: Kind
    public var placement: RigidTransform
    /// Linear RGB in 0...1.
    public var color: SIMD3<Double>

    /// A cylinder along the link frame's x, y or z axis (0, 1, 2) from `from` to `to` on that axis, its
    /// axis through `offset` (the other two coordinates).
    static func cylinder(axis: Int, from: Double, to: Double, radius: Double, offset: SIMD3<Double> = .zero,
                         color: SIMD3<Double>) -> ArmPart {
        var centre = offset
        centre[axis] = (from + to) / 2
        var turn = RigidTransform.identity
        if axis == 0 { turn = .rotation(axis: 1, angle: Double.pi / 2) }
        if axis == 1 { turn = .rotation(axis: 0, angle: -Double.pi / 2) }
        turn.translation = centre
        return ArmPart(kind: .cylinder(radius: radius, halfLength: abs(to - from) / 2), placement: turn, color: color)
    }
}

/// The UR5 as drawn: its links' frames as ur5.urdf chains them (the physical offsets of the real arm, which
/// the DH frames fold away: the upper arm 13.6 cm to the side of the base axis, the forearm 12 cm back, the
/// wrists 9.3 cm apart), and each link as a few cylinders of the real arm's size (UR5 datasheet: 149 mm
/// base, about 12 cm shoulder and elbow housings, 9 and 7.5 cm tubes, 7.5 cm wrists, 63 mm flange), coloured
/// as ur5.urdf's materials (LightGrey 0.8 and DarkGrey 0.2, alternating along the arm).
public enum UR5Links {
    public static let lightGrey = SIMD3(0.8, 0.8, 0.8)
    public static let darkGrey = SIMD3(0.2, 0.2, 0.2)

    /// The drawn links: the base (fixed) and the six links the joints move, in chain order.
    public static let names = ["base", "shoulder", "upper-arm", "forearm", "wrist-1", "wrist-2", "wrist-3"]

    /// ur5.urdf's joints: origin in the parent link, origin rotation (only pitch pi/2 occurs), rotation axis.
    static let joints: [(origin: SIMD3<Double>, pitched: Bool, axis: Int)] = [
        (SIMD3(0, 0, UR5Kinematics.d1), false, 2),
        (SIMD3(0, 0.13585, 0), true, 1),
        (SIMD3(0, -0.1197, 0.425), false, 1),
        (SIMD3(0, 0, 0.39225), true, 1),
        (SIMD3(0, 0.093, 0), false, 2),
        (SIMD3(0, 0, 0.09465), false, 1),
    ]

    /// `base_link` in the world: ur5.urdf's root turns it by pi about z.
    static let baseLink = RigidTransform.rotation(axis: 2, angle: Double.pi)
    /// `tool0` (the flange, the DH flange frame) in `wrist_3_link`: 8.23 cm along y, z turned onto the tool axis.
    static let flangeInWrist3 = RigidTransform.translation(SIMD3(0, UR5Kinematics.d6, 0)) * .rotation(axis: 0, angle: -Double.pi / 2)

    /// The world frames of the seven drawn links for joint angles `q`.
    public static func frames(_ q: [Double]) -> [RigidTransform] {
        precondition(q.count == 6, "a UR5 has 6 joints")
        var t = baseLink
        var result = [t]
        for (joint, angle) in zip(joints, q) {
            t = t * .translation(joint.origin)
            if joint.pitched { t = t * .rotation(axis: 1, angle: Double.pi / 2) }
            t = t * .rotation(axis: joint.axis, angle: angle)
            result.append(t)
        }
        return result
    }

    /// The flange in the world, through the URDF chain (equal to `UR5Kinematics.forward`).
    public static func flange(_ q: [Double]) -> RigidTransform { frames(q)[6] * flangeInWrist3 }

    /// The parts of each drawn link (in `names` order), in that link's frame.
    public static let parts: [[ArmPart]] = {
        let l = lightGrey, d = darkGrey
        return [
            // base: the mounting foot and joint 1's housing below the shoulder.
            [.cylinder(axis: 2, from: 0, to: 0.086, radius: 0.075, color: l)],
            // shoulder: joint 1's motor (vertical) and the stub out to joint 2 (along y).
            [.cylinder(axis: 2, from: -0.04, to: 0.07, radius: 0.06, color: d),
             .cylinder(axis: 1, from: 0, to: 0.07, radius: 0.06, color: d)],
            // upper arm: joint 2's housing, the tube, the cap over the elbow.
            [.cylinder(axis: 1, from: -0.065, to: 0.065, radius: 0.06, color: l),
             .cylinder(axis: 2, from: 0, to: 0.425, radius: 0.045, color: l),
             .cylinder(axis: 1, from: -0.045, to: 0.05, radius: 0.05, offset: SIMD3(0, 0, 0.425), color: l)],
            // forearm: the elbow housing reaching back to the upper arm, the tube to wrist 1.
            [.cylinder(axis: 1, from: 0, to: 0.075, radius: 0.05, color: d),
             .cylinder(axis: 2, from: 0, to: 0.39225, radius: 0.035, color: d)],
            // wrist 1: its housing, out to wrist 2.
            [.cylinder(axis: 1, from: -0.04, to: 0.093, radius: 0.0375, color: l)],
            // wrist 2: its housing, out to wrist 3.
            [.cylinder(axis: 2, from: -0.0375, to: 0.09465, radius: 0.0375, color: d)],
            // wrist 3: its housing and the tool flange.
            [.cylinder(axis: 1, from: -0.0375, to: 0.065, radius: 0.0375, color: l),
             .cylinder(axis: 1, from: 0.065, to: UR5Kinematics.d6, radius: 0.0315, color: l)],
        ]
    }()
}
