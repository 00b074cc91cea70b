import Foundation

/// The tool on the UR5's flange as CLIPort mounts it (grippers.py, ur5/suction and ur5/spatula URDFs), and
/// where the simulator's tool body sits on it.
///
/// The simulator's tool is a mocap body (`cup` for suction, `spatula` for the spatula) whose frame is at the
/// tool's working end, z up: the cup's frame at the bottom of the suction tip, the spatula's at the blade's
/// lower edge. The flange (`tool0`) is `reach` above that point along the tool frame's z, its z axis pointing
/// down the tool and its x axis along the tool frame's -y (CLIPort's `tool_tip` link is `tool0` turned by
/// rpy (pi, 0, -pi/2), so a target orientation of identity points the tool straight down).
public struct UR5Tool: Equatable, Sendable {
    /// Flange to the working end along the tool axis (metres).
    public var reach: Double
    /// The drawn tool in the flange frame (z along the tool, away from the arm).
    public var parts: [ArmPart]

    /// The tool for a task's end effector.
    public init(_ effector: EndEffector) {
        switch effector {
        case .suction: self = .suction
        case .spatula: self = .spatula
        }
    }

    init(reach: Double, parts: [ArmPart]) { self.reach = reach; self.parts = parts }

    /// CLIPort's suction gripper: the dark grey base (r 38 mm, 2.5 cm tall, starting 1 cm behind the flange),
    /// the mid piece (r 38 mm narrowing to a 16 mm rod, 7.8 cm), the head tube (r 5 mm, from 8 cm) and the
    /// blue tip (bellows r 7.5 mm, rim r 10 mm) whose mouth is 12.35 cm from the flange (the meshes' extents,
    /// base.obj, mid.obj, head.obj, tip.obj, placed by the constraints in grippers.py).
    public static let suction = UR5Tool(reach: 0.1235, parts: {
        let d = UR5Links.darkGrey, blue = SIMD3(0.18039216, 0.50588235, 0.77254902)
        return [.cylinder(axis: 2, from: -0.01, to: 0.015, radius: 0.038, color: d),
                .cylinder(axis: 2, from: 0.015, to: 0.033, radius: 0.038, color: d),
                .cylinder(axis: 2, from: 0.033, to: 0.051, radius: 0.027, color: d),
                .cylinder(axis: 2, from: 0.051, to: 0.093, radius: 0.016, color: d),
                .cylinder(axis: 2, from: 0.093, to: 0.11, radius: 0.005, color: d),
                .cylinder(axis: 2, from: 0.109, to: 0.1195, radius: 0.0075, color: blue),
                .cylinder(axis: 2, from: 0.1195, to: 0.1235, radius: 0.01, color: blue)]
    }())

    /// CLIPort's spatula: the suction base and a light grey blade 5 cm wide (along the flange's x),
    /// 5 mm thick and 11 cm tall, its lower edge 12 cm from the flange (spatula-base.urdf).
    public static let spatula = UR5Tool(reach: 0.12, parts: [
        .cylinder(axis: 2, from: -0.01, to: 0.015, radius: 0.038, color: UR5Links.darkGrey),
        ArmPart(kind: .box(halfSize: SIMD3(0.025, 0.0025, 0.055)), placement: .translation(SIMD3(0, 0, 0.065)),
                color: UR5Links.lightGrey),
    ])

    /// The flange's orientation relative to the tool body frame: x = -y, y = -x, z = -z.
    static let flangeTurn = RigidTransform(rows: (SIMD3(0, -1, 0), SIMD3(-1, 0, 0), SIMD3(0, 0, -1)))

    /// Where the flange must be for the tool body to be at `toolPose`.
    public func flange(forTool toolPose: RigidTransform) -> RigidTransform {
        toolPose * .translation(SIMD3(0, 0, reach)) * Self.flangeTurn
    }

    /// Where the tool body is when the flange is at `flange` (the inverse of `flange(forTool:)`).
    public func tool(atFlange flange: RigidTransform) -> RigidTransform {
        flange * Self.flangeTurn.inverse * .translation(SIMD3(0, 0, -reach))
    }
}
