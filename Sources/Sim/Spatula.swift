import Foundation
import Geometry

extension MJCFBuilder {
    public static let spatulaBodyName = "spatula"
    /// The blade: 5 cm wide across the push, 5 mm thick along it, 11 cm tall (Ravens'
    /// `spatula-base.urdf` box 0.05 x 0.005 x 0.11), its bottom edge at the body frame.
    public static let spatulaBladeHalfSize = SIMD3(0.0025, 0.025, 0.055)

    /// A mocap body carrying the blade, parked above the table until a push moves it. Like the suction
    /// cup it collides but is not drawn (geom group 3).
    func spatulaBody() -> String {
        let h = Self.spatulaBladeHalfSize
        return """
            <body name="\(Self.spatulaBodyName)" mocap="true" pos="0.5 0.3 0.6">
              <geom name="spatula-blade" type="box" pos="0 0 \(f(h.z))" size="\(v3(h))" group="3" rgba="0.8 0.8 0.8 1"/>
            </body>

        """
    }
}

/// CLIPort's `push(pose0, pose1)` with the spatula.
extension TabletopWorld {
    /// Height of the blade's bottom edge during the push.
    public static let pushHeight = 0.005
    /// The start is moved back this far along the push, and the end is shortened by `pushShortening`.
    public static let pushBackoff = 0.02
    public static let pushShortening = 0.05
    /// Approach and retreat height.
    public static let pushApproachHeight = 0.31
    /// Blade travel per physics step while pushing (0.5 mm at the default 2 ms step = 0.25 m/s): slow
    /// enough that 1 g blocks are shoved, not thrown.
    public static let pushStep = 0.0005
    /// The last part of the approach is simulated (the blade may land on a block).
    public static let pushDescentZone = 0.02

    /// Pushes from `start` to `end` (only their x and y count): start moved back 2 cm, end shortened
    /// 5 cm, blade across the push direction at z = 5 mm, approach and retreat at 0.31 m; then settles.
    /// A zero-length push only settles (CLIPort would divide by zero). `placeDescentSteps` of the
    /// outcome counts the physics steps of the descent and the push.
    public func push(from start: Pose, to end: Pose) throws -> PickPlaceOutcome {
        let spatula = try simulation.bodyID(MJCFBuilder.spatulaBodyName)
        var outcome = PickPlaceOutcome(grasped: nil, placedOnContact: false)
        var p0 = SIMD2(start.position.x, start.position.y), p1 = SIMD2(end.position.x, end.position.y)
        let v = p1 - p0
        let length = (v * v).sum().squareRoot()
        guard length > 1e-9 else {
            outcome.settleSteps = try settle().steps
            return outcome
        }
        let direction = v / length
        p0 -= direction * Self.pushBackoff
        p1 -= direction * Self.pushShortening
        let rotation = Quaternion(yaw: atan2(direction.y, direction.x))
        func pose(_ p: SIMD2<Double>, _ z: Double) -> Pose { Pose(position: SIMD3(p.x, p.y, z), rotation: rotation) }

        try moveMocap(spatula, to: pose(p0, Self.pushApproachHeight))
        try moveMocap(spatula, to: pose(p0, Self.pushHeight + Self.pushDescentZone))
        var steps = 0
        steps += try sweepMocap(spatula, to: pose(p0, Self.pushHeight), stepLength: TabletopWorld.slowStep)
        steps += try sweepMocap(spatula, to: pose(p1, Self.pushHeight), stepLength: Self.pushStep)
        try moveMocap(spatula, to: pose(p1, Self.pushApproachHeight))
        outcome.placeDescentSteps = steps
        outcome.settleSteps = try settle().steps
        return outcome
    }

    /// Moves a mocap body kinematically (no physics steps).
    func moveMocap(_ body: Int, to pose: Pose) throws {
        try setMocapPose(body, pose)
        let start = Stopwatch()
        simulation.forward()
        timing.addPhysics(start)
    }

    /// Moves a mocap body in a straight line, `stepLength` per physics step; returns the steps taken.
    @discardableResult
    func sweepMocap(_ body: Int, to target: Pose, stepLength: Double) throws -> Int {
        let from = simulation.bodyPose(body).position
        let d = target.position - from
        let n = max(1, Int(((d * d).sum().squareRoot() / stepLength).rounded(.up)))
        for k in 1...n {
            try setMocapPose(body, Pose(position: from + d * (Double(k) / Double(n)), rotation: target.rotation))
            try step()
        }
        return n
    }
}
