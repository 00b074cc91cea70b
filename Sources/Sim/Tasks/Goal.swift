import Foundation
import Geometry

/// One step of a task's goal (CLIPort's goal tuple): which objects must reach which targets, how that is
/// measured, and how much of the task it is worth.
public struct Goal: Equatable, Sendable {
    public enum Metric: Equatable, Sendable {
        /// An object matches a target when its xy is within `positionTolerance` and (if its symmetry > 0)
        /// its yaw is within `rotationTolerance` modulo the symmetry.
        case pose
        /// The fraction of object points (object frame, per object) inside any zone (pose, full size);
        /// points must also be below `maxZ` in the zone frame.
        case zone(points: [[SIMD3<Double>]], zones: [ZoneRegion], maxZ: Double)
    }

    public struct ZoneRegion: Equatable, Sendable {
        public var pose: Pose
        public var size: SIMD3<Double>
        public init(pose: Pose, size: SIMD3<Double>) { self.pose = pose; self.size = size }
    }

    /// Scene object indices.
    public var objects: [Int]
    /// Rotational symmetry per object (radians; 0 = rotation ignored, 2 pi = asymmetric).
    public var symmetries: [Double]
    /// matches[i][j]: object i may go to target j.
    public var matches: [[Bool]]
    public var targets: [Pose]
    /// Targets may take several objects (piles); otherwise the oracle skips taken targets.
    public var replace: Bool
    /// The place pose keeps the target's yaw; otherwise its orientation is identity.
    public var rotations: Bool
    public var metric: Metric
    /// The fraction of the whole task this goal is worth.
    public var maxReward: Double
    /// The language instruction valid while this goal is current.
    public var instruction: String
    /// CLIPort's `pos_eps` (0.01 by default) and `rot_eps` (15 degrees).
    public var positionTolerance: Double
    public var rotationTolerance: Double

    public init(objects: [Int], symmetries: [Double], matches: [[Bool]], targets: [Pose], replace: Bool,
                rotations: Bool, metric: Metric, maxReward: Double, instruction: String,
                positionTolerance: Double = 0.01, rotationTolerance: Double = 15 * .pi / 180) {
        self.objects = objects; self.symmetries = symmetries; self.matches = matches; self.targets = targets
        self.replace = replace; self.rotations = rotations; self.metric = metric; self.maxReward = maxReward
        self.instruction = instruction
        self.positionTolerance = positionTolerance; self.rotationTolerance = rotationTolerance
    }

    /// CLIPort's `is_match`: xy distance below the tolerance and, for symmetric objects, yaw error too.
    public func isMatch(_ pose: Pose, _ target: Pose, symmetry: Double) -> Bool {
        let dx = Float(pose.position.x) - Float(target.position.x)
        let dy = Float(pose.position.y) - Float(target.position.y)
        let distance = Double((dx * dx + dy * dy).squareRoot())
        var rotationError = 0.0
        if symmetry > 0 {
            rotationError = abs(pose.rotation.yaw - target.rotation.yaw).truncatingRemainder(dividingBy: symmetry)
            if rotationError > symmetry / 2 { rotationError = symmetry - rotationError }
        }
        return distance < positionTolerance && rotationError < rotationTolerance
    }

    /// The goal's current reward (0...maxReward) for the given scene object poses.
    public func stepReward(poses: [Pose]) -> Double {
        switch metric {
        case .pose:
            var reward = 0.0
            for (i, object) in objects.enumerated() {
                for j in targets.indices where matches[i][j] {
                    if isMatch(poses[object], targets[j], symmetry: symmetries[i]) {
                        reward += maxReward / Double(objects.count)
                        break
                    }
                }
            }
            return reward
        case .zone(let points, let zones, let maxZ):
            var inside = 0, total = 0
            for (i, object) in objects.enumerated() {
                for p in points[i] {
                    total += 1
                    let world = poses[object].transform(p)
                    if zones.contains(where: { zone in
                        let q = zone.pose.inverse.transform(world)
                        return abs(q.x) < zone.size.x / 2 && abs(q.y) < zone.size.y / 2 && q.z < maxZ
                    }) { inside += 1 }
                }
            }
            return total == 0 ? 0 : maxReward * Double(inside) / Double(total)
        }
    }
}
