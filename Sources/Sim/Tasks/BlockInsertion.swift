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
}

/// Ravens' `block-insertion` family: a red L block and a grey L fixture (or, without fixture, just a target
/// pose); "put the L shape block in the L shape hole"; pose metric, asymmetric (2 pi). Variants:
/// `translation` fixes both yaws at pi/2; `easy` also fixes the block at (0.5, 0, 0.02); `noFixture` draws
/// only a target pose. Max steps 3.
public struct BlockInsertion: Task {
    public enum Variant: String, CaseIterable, Sendable {
        case standard, easy, noFixture, translation
    }
    public let variant: Variant
    public init(_ variant: Variant = .standard) { self.variant = variant }

    public var name: String {
        switch variant {
        case .standard: return "block-insertion"
        case .easy: return "block-insertion-easy"
        case .noFixture: return "block-insertion-nofixture"
        case .translation: return "block-insertion-translation"
        }
    }
    public var instructionTemplates: [String] { ["put the L shape block in the L shape hole"] }
    public var completedInstruction: String { "done with insertion." }
    public var maxStepsRule: String { "\(Self.maxSteps)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [] }
    public static let maxSteps = 3

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
        let fixture = ObjectShape.compound(.ellFixture)
        let target = try randomPose(fixture, "fixture")
        if variant != .noFixture {
            placer.add(SceneObject(name: "fixture", shape: fixture, color: .gray, mass: 0.1, pose: target, isFixed: true))
        }
        let goal = Goal(objects: [0], symmetries: [2 * .pi], matches: [[true]], targets: [target], replace: false,
                        rotations: true, metric: .pose, maxReward: 1, instruction: "put the L shape block in the L shape hole")
        return TaskEpisode(scene: placer.scene, goals: [goal], maxSteps: Self.maxSteps)
    }
}
