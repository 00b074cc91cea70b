import Core
import Foundation
import Geometry

extension NamedColor {
    /// The corner marker's pure green (`corner-template.urdf`: rgba 0 1 0).
    static let cornerGreen = NamedColor(name: "green", rgb: SIMD3(0, 255, 0))

    /// CLIPort's `color_random_brown`: brown scaled by a shade in [0.5, 1.5) (clamped to 255 as a renderer does).
    static func randomBrown(shade: Double) -> NamedColor {
        let b = NamedColor.brown.unit * shade * 255
        return NamedColor(name: "brown", rgb: SIMD3(UInt8(min(b.x.rounded(), 255)), UInt8(min(b.y.rounded(), 255)),
                                                    UInt8(min(b.z.rounded(), 255))))
    }
}

extension CompoundShape {
    /// Ravens' `corner/corner-template.urdf` for a box of footprint (x, y): two drawn-only 5.5 x 0.5 cm bars
    /// meeting at the box's (+x, +y) corner, 1 mm thick, lying on the table.
    public static func corner(boxSize b: SIMD3<Double>) -> CompoundShape {
        let z = 0.0005
        return CompoundShape(name: "corner", parts: [
            Part(.box(halfSize: SIMD3(0.0275, 0.0025, 0.0005)), at: SIMD3(b.x / 2 - 0.025 + 0.0025, b.y / 2 + 0.0025, z), collides: false),
            Part(.box(halfSize: SIMD3(0.0025, 0.0275, 0.0005)), at: SIMD3(b.x / 2 + 0.0025, b.y / 2 - 0.025 + 0.0025, z), collides: false),
        ], size: SIMD3(b.x, b.y, 0), restingZ: 0, top: 0.001)
    }
}

/// Ravens' `align-box-corner`: a box of random size U(0.05-0.15, 0.05-0.15, 0.01-0.06) in a random brown,
/// and a green corner marker; "align the brown box with the green corner"; the box must reach one of the 4
/// poses that put a corner of it on the marker (symmetry 2 pi, 1 cm, 15 degrees). Max steps 3.
public struct AlignBoxCorner: Task {
    public init() {}
    public var name: String { "align-box-corner" }
    public var instructionTemplates: [String] { ["align the brown box with the green corner"] }
    public var completedInstruction: String { "done with alignment" }
    public var maxStepsRule: String { "\(Self.maxSteps)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [] }
    public static let maxSteps = 3

    public func reset(split: Split, rng: inout SeededGenerator) throws -> TaskEpisode {
        let box = SIMD3(rng.uniform(0.05, 0.15), rng.uniform(0.05, 0.15), rng.uniform(0.01, 0.06))
        var placer = FreeSpacePlacer()
        let cornerPose = try placer.addAtFreePose("corner", shape: .compound(.corner(boxSize: box)), color: .cornerGreen,
                                                  mass: 0.1, isFixed: true, rng: &rng).pose
        let theta = cornerPose.rotation.yaw
        let flipped = Pose(position: cornerPose.position, rotation: Quaternion(yaw: theta + .pi))
        let alt = SIMD3(box.x / 2 - box.y / 2, box.y / 2 - box.x / 2, 0)
        let pose2 = cornerPose * Pose(position: alt, rotation: Quaternion(yaw: .pi / 2))
        let pose3 = cornerPose * Pose(position: alt, rotation: Quaternion(yaw: 3 * .pi / 2))
        let shape = ObjectShape.box(size: box)
        let boxPose = try placer.place(shape, name: "box", rng: &rng)
        // The shade is drawn after the pose, as in CLIPort.
        let color = NamedColor.randomBrown(shade: rng.uniform() + 0.5)
        placer.add(SceneObject(name: "box", shape: shape, color: color, mass: BoxPacking.boxMass, pose: boxPose))
        let goal = Goal(objects: [1], symmetries: [2 * .pi], matches: [[true, true, true, true]],
                        targets: [cornerPose, flipped, pose2, pose3], replace: false, rotations: true, metric: .pose,
                        maxReward: 1, instruction: "align the brown box with the green corner")
        return TaskEpisode(scene: placer.scene, goals: [goal], maxSteps: Self.maxSteps)
    }
}
