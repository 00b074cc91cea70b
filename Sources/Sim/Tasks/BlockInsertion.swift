import Core
import Foundation
import Geometry

extension CompoundShape {
    /// Ravens' `insertion/ell.urdf`: an L of two 4 cm tall boxes (8 x 3 cm along x at (0.025, 0) and 3 x 8 cm
    /// along y at (0, 0.025)); frame at mid-height. Size (0.1, 0.1, 0.04) is CLIPort's placement size.
    public static let ell = CompoundShape(name: "ell", parts: [
        Part(.box(halfSize: SIMD3(0.04, 0.015, 0.02)), at: SIMD3(0.025, 0, 0)),
        Part(.box(halfSize: SIMD3(0.015, 0.04, 0.01995)), at: SIMD3(0, 0.025, 0)),
    ], size: SIMD3(0.1, 0.1, 0.04), restingZ: 0.02, top: 0.02)

    /// Ravens' `insertion/fixture.urdf`: six 2 mm walls, 4 cm tall, around an L-shaped cavity 1 cm wider
    /// than the ell on every side; frame at mid-height.
    public static let ellFixture = CompoundShape(name: "ell-fixture", parts: [
        Part(.box(halfSize: SIMD3(0.05, 0.001, 0.02)), at: SIMD3(0.025, -0.025, 0)),
        Part(.box(halfSize: SIMD3(0.025, 0.001, 0.02)), at: SIMD3(0, 0.075, 0)),
        Part(.box(halfSize: SIMD3(0.025, 0.001, 0.02)), at: SIMD3(0.05, 0.025, 0)),
        Part(.box(halfSize: SIMD3(0.001, 0.0525, 0.02)), at: SIMD3(-0.025, 0.025, 0)),
        Part(.box(halfSize: SIMD3(0.001, 0.0275, 0.02)), at: SIMD3(0.025, 0.05, 0)),
        Part(.box(halfSize: SIMD3(0.001, 0.0275, 0.02)), at: SIMD3(0.075, 0, 0)),
    ], size: SIMD3(0.1, 0.1, 0.04), restingZ: 0.02, top: 0.02)

    /// The sixdof fixture: `ellFixture` with a hidden 2 mm floor under its cavity. Ravens' fixture has no
    /// floor; raised and tilted, it lets an inserted block fall through onto the table, landing 2-5 cm from
    /// the fixture (13 of 20 oracle episodes succeeded), where with the floor the block stays in the hole.
    public static let ellFixtureWithFloor: CompoundShape = {
        var shape = ellFixture
        shape.name = "ell-fixture-with-floor"
        shape.parts += [
            Part(.box(halfSize: SIMD3(0.05, 0.025, 0.001)), at: SIMD3(0.025, 0, -0.021), visible: false),
            Part(.box(halfSize: SIMD3(0.025, 0.025, 0.001)), at: SIMD3(0, 0.05, -0.021), visible: false),
        ]
        return shape
    }()
}

/// Ravens' `block-insertion` family: a red L block and a grey L fixture (or, without fixture, just a target
/// pose); "put the L shape block in the L shape hole"; pose metric, asymmetric (2 pi). Variants:
/// `translation` fixes both yaws at pi/2; `easy` also fixes the block at (0.5, 0, 0.02); `noFixture` draws
/// only a target pose; `sixdof` raises the fixture and tilts it (`sixDoFFixturePose`), the oracle places
/// with the fixture's full orientation and the match tolerance is 2 cm. Max steps 3.
public struct BlockInsertion: Task {
    public enum Variant: String, CaseIterable, Sendable {
        case standard, easy, noFixture, sixdof, translation
    }
    public let variant: Variant
    public init(_ variant: Variant = .standard) { self.variant = variant }

    public var name: String {
        switch variant {
        case .standard: return "block-insertion"
        case .easy: return "block-insertion-easy"
        case .noFixture: return "block-insertion-nofixture"
        case .sixdof: return "block-insertion-sixdof"
        case .translation: return "block-insertion-translation"
        }
    }
    public var instructionTemplates: [String] { ["put the L shape block in the L shape hole"] }
    public var completedInstruction: String { "done with insertion." }
    public var maxStepsRule: String { "\(Self.maxSteps)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [] }
    public static let maxSteps = 3
    /// CLIPort's `pos_eps` of the sixdof variant (0.01 for the others).
    public static let sixDoFPositionTolerance = 0.02

    /// CLIPort's `get_random_pose_6dof`: the free-space pose's xy (its yaw is dropped), the frame's centre
    /// raised to 0.02 + U(0.03, 0.13) m, roll and pitch U(-pi/4, pi/4), yaw U(0, 2 pi), drawn in that order.
    public static func sixDoFFixturePose(freePose: Pose, rng: inout SeededGenerator) -> Pose {
        let z = rng.uniform() / 10 + 0.03
        let roll = (rng.uniform() - 0.5) * .pi / 2
        let pitch = (rng.uniform() - 0.5) * .pi / 2
        let yaw = rng.uniform() * 2 * .pi
        return Pose(position: SIMD3(freePose.position.x, freePose.position.y, CompoundShape.ellFixture.size.z / 2 + z),
                    rotation: Quaternion(roll: roll, pitch: pitch, yaw: yaw))
    }

    public func reset(split: Split, rng: inout SeededGenerator) throws -> TaskEpisode {
        var placer = FreeSpacePlacer()
        let fixedYaw = variant == .translation || variant == .easy
        func randomPose(_ shape: ObjectShape, _ name: String) throws -> Pose {
            var pose = try placer.place(shape, name: name, rng: &rng)
            if fixedYaw { pose.rotation = Quaternion(yaw: .pi / 2) }
            return pose
        }
        let ell = ObjectShape.compound(.ell)
        let blockPose = variant == .easy ? Pose(position: SIMD3(0.5, 0, 0.02), rotation: Quaternion(yaw: .pi / 2))
                                         : try randomPose(ell, "ell")
        placer.add(SceneObject(name: "ell", shape: ell, color: .red, mass: 0.1, pose: blockPose))
        let fixture = ObjectShape.compound(variant == .sixdof ? .ellFixtureWithFloor : .ellFixture)
        var target = try randomPose(fixture, "fixture")
        if variant == .sixdof { target = Self.sixDoFFixturePose(freePose: target, rng: &rng) }
        if variant != .noFixture {
            placer.add(SceneObject(name: "fixture", shape: fixture, color: .gray, mass: 0.1, pose: target, isFixed: true))
        }
        let goal = Goal(objects: [0], symmetries: [2 * .pi], matches: [[true]], targets: [target], replace: false,
                        rotations: true, metric: .pose, maxReward: 1, instruction: "put the L shape block in the L shape hole",
                        positionTolerance: variant == .sixdof ? Self.sixDoFPositionTolerance : 0.01)
        return TaskEpisode(scene: placer.scene, goals: [goal], maxSteps: Self.maxSteps)
    }

    /// The generic oracle; for `sixdof` it keeps the block's whole orientation (CLIPort's `self.sixdof`), so
    /// the place pose carries the fixture's roll and pitch.
    public func oracle(goal: Goal, scene: Scene, poses: [Pose], raster: TopDownRaster, workspace: Workspace,
                       rng: inout SeededGenerator) throws -> PickPlaceAction {
        try Oracle.act(goal: goal, scene: scene, poses: poses, raster: raster, workspace: workspace,
                       keepsFullOrientation: variant == .sixdof, rng: &rng)
    }
}
