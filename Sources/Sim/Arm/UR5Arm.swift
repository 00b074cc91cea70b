import Foundation
import Geometry

/// The arm as the simulator moves it: kinematic, no dynamics. Each time the tool body moves, `follow` solves
/// the joints (closed-form IK, the solution nearest the previous joints, so the arm keeps its elbow-up,
/// wrist-down posture and moves continuously) that put the flange where the tool needs it; the drawn links
/// then take their poses from the joints.
public struct UR5Arm: Equatable, Sendable {
    public let tool: UR5Tool
    /// The current joint angles (radians, URDF order); CLIPort's home pose until the first move.
    public private(set) var joints: [Double] = UR5Kinematics.home
    /// False when the last pose asked of the tool was out of reach (the arm then holds the nearest reachable
    /// pose on the way from its home position, and the flange does not meet the tool).
    public private(set) var reachesTool = true

    public init(tool: UR5Tool) { self.tool = tool }

    /// Back to CLIPort's home pose (at reset).
    public mutating func goHome() {
        joints = UR5Kinematics.home
        reachesTool = true
    }

    /// Moves the arm so that its flange carries the tool at `toolPose`.
    public mutating func follow(toolPose: Pose) {
        let target = tool.flange(forTool: RigidTransform(toolPose))
        if let q = UR5Kinematics.nearestSolution(target, to: joints) {
            joints = q
            reachesTool = true
            return
        }
        // Out of reach (above the far corners of the workspace): bisect along the straight line from the home
        // flange position to the target, keeping the target's orientation; home is reachable in every yaw.
        reachesTool = false
        let start = UR5Kinematics.forward(UR5Kinematics.home).translation
        var low = 0.0, high = 1.0
        var best: [Double]?
        for _ in 0..<30 {
            let mid = (low + high) / 2
            var t = target
            t.translation = start + (target.translation - start) * mid
            if let q = UR5Kinematics.nearestSolution(t, to: joints) { best = q; low = mid } else { high = mid }
        }
        if let best { joints = best }
    }

    /// World poses of the six moving links (shoulder ... wrist 3), as `UR5Links.frames` without the base.
    public var linkPoses: [Pose] { UR5Links.frames(joints).dropFirst().map(\.pose) }
}
