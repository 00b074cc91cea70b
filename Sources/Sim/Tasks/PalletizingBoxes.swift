import Core
import Foundation
import Geometry

extension NamedColor {
    /// The pallet's "light wood yellow".
    static let lightWood = NamedColor(name: "light wood", rgb: SIMD3(222, 184, 135))
}

extension CompoundShape {
    /// Ravens' `pallet/pallet.obj` at CLIPort's scale 0.25: 30 x 25 cm and 3.75 cm tall, frame at mid-height
    /// (so at CLIPort's z = 0.02 its top is 3.875 cm above the table, 1.1 cm below where its boxes start).
    /// Seven 5 mm slats across x on top and below, at x = +-(0.115-0.15), +-(0.0725-0.0975),
    /// +-(0.03-0.055), +-0.0125, on three 1 cm runners along x at y = 0 and +-0.12. The top slats are drawn
    /// only and one hidden 5 mm deck under them carries the boxes (fewer contacts than slats, same height).
    public static let pallet: CompoundShape = {
        let slatX: [(Double, Double)] = [(-0.15, -0.115), (-0.0975, -0.0725), (-0.055, -0.03), (-0.0125, 0.0125),
                                         (0.03, 0.055), (0.0725, 0.0975), (0.115, 0.15)]
        let deckHalf = 0.0025, top = 0.01875
        var parts = [Part(.box(halfSize: SIMD3(0.15, 0.125, deckHalf)), at: SIMD3(0, 0, top - deckHalf), visible: false)]
        for z in [top - deckHalf, -(top - deckHalf)] {
            for (x0, x1) in slatX {
                parts.append(Part(.box(halfSize: SIMD3((x1 - x0) / 2, 0.125, deckHalf)), at: SIMD3((x0 + x1) / 2, 0, z), collides: false))
            }
        }
        for y in [-0.12, 0, 0.12] {
            parts.append(Part(.box(halfSize: SIMD3(0.15, 0.005, top - 2 * deckHalf)), at: SIMD3(0, y, 0), collides: false))
        }
        return CompoundShape(name: "pallet", parts: parts, size: SIMD3(0.3, 0.25, 2 * top), restingZ: top, top: top)
    }()
}

extension TabletopWorld {
    /// Moves a free object (at rest) without stepping physics.
    func teleport(object i: Int, to pose: Pose) throws {
        try simulation.setFreeJointPose(objectBodies[i], pose)
        simulation.forward()
    }
}

/// Ravens' `palletizing-boxes`: a fixed pallet at (0.5, 0.25, 0.02), a 2 x 3 x 3 stack of boxes (layers
/// transposed, 1 cm margins) in random browns, removed top layer first at random (time-reversed
/// depalletizing); one box at a time appears at (0.5, -0.25, 0.1) with a random yaw, and the next one when
/// the last was put away (no goal box with -0.5 <= y <= 0). "stack all the boxes on the pallet"; zone
/// metric over all boxes in the pallet zone (0.3 x 0.25 x 0.25). Boxes not yet spawned wait off the table
/// (y = -10), as in CLIPort. Max steps 30. Box names carry their spawn order ("box07": 8th to appear).
public struct PalletizingBoxes: Task {
    public init() {}
    public var name: String { "palletizing-boxes" }
    public var instructionTemplates: [String] { ["stack all the boxes on the pallet"] }
    public var completedInstruction: String { "done stacking boxes." }
    public var maxStepsRule: String { "\(Self.maxSteps)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [] }
    public static let maxSteps = 30

    static let zonePose = Pose(position: SIMD3(0.5, 0.25, 0.02))
    static let zoneSize = SIMD3(0.3, 0.25, 0.25)
    static let spawnPosition = SIMD3(0.5, -0.25, 0.1)
    static let parkingY = -10.0

    public func reset(split: Split, rng: inout SeededGenerator) throws -> TaskEpisode {
        var objects = [SceneObject(name: "pallet", shape: .compound(.pallet), color: .lightWood, mass: 0.1,
                                   pose: Self.zonePose, isFixed: true)]
        let margin = 0.01, stackSize = SIMD3(0.19, 0.19, 0.19)
        var dim = SIMD3<Double>(2, 3, 3)
        var size = (stackSize - (dim - 1) * margin) / dim
        var boxes: [(size: SIMD3<Double>, pose: Pose, color: NamedColor)] = []
        for z in 0..<3 {
            dim = SIMD3(dim.y, dim.x, dim.z)
            size = SIMD3(size.y, size.x, size.z)
            for y in 0..<Int(dim.y) {
                for x in 0..<Int(dim.x) {
                    var p = SIMD3(Double(x) + 0.5, Double(y) + 0.5, Double(z) + 0.5) * size
                    p.x += Double(x) * margin - stackSize.x / 2
                    p.y += Double(y) * margin - stackSize.y / 2
                    p.z += Double(z) * margin + 0.03
                    boxes.append((size, Self.zonePose * Pose(position: p), .randomBrown(shade: rng.uniform() + 0.5)))
                }
            }
        }
        // Depalletize: a random pixel of the top layer (height within 3 cm of the highest) names the next box.
        var remaining = Array(boxes.indices), removal: [Int] = []
        while !remaining.isEmpty {
            let raster = TopDownRaster(shapes: remaining.map { .box(size: boxes[$0].size) }, poses: remaining.map { boxes[$0].pose },
                                       workspace: .task)
            let top = (raster.height.max() ?? 0) - 0.03
            let candidates = raster.height.indices.filter { raster.objectIndex[$0] >= 0 && raster.height[$0] > top }
            guard !candidates.isEmpty else { break }
            let cell = candidates[min(Int(rng.uniform() * Double(candidates.count)), candidates.count - 1)]
            removal.append(remaining.remove(at: Int(raster.objectIndex[cell])))
        }
        let spawnOrder = Array(removal.reversed())
        var goalObjects: [Int] = [], targets: [Pose] = [], points: [[SIMD3<Double>]] = []
        for (k, b) in spawnOrder.enumerated() {
            let box = boxes[b]
            let pose = k == 0 ? Pose(position: Self.spawnPosition, rotation: Quaternion(yaw: rng.uniform() * 2 * .pi))
                              : Self.parked(k, size: box.size)
            goalObjects.append(objects.count)
            targets.append(box.pose)
            points.append(BoxPacking.boxPoints(size: box.size))
            objects.append(SceneObject(name: String(format: "box%02d", k), shape: .box(size: box.size), color: box.color,
                                       mass: BoxPacking.boxMass, pose: pose))
        }
        let goal = Goal(objects: goalObjects, symmetries: goalObjects.map { _ in 0 },
                        matches: goalObjects.indices.map { i in goalObjects.indices.map { $0 == i } }, targets: targets,
                        replace: false, rotations: true,
                        metric: .zone(points: points, zones: [Goal.ZoneRegion(pose: Self.zonePose, size: Self.zoneSize)], maxZ: 0.3),
                        maxReward: 1, instruction: "stack all the boxes on the pallet")
        return TaskEpisode(scene: Scene(objects: objects), goals: [goal], maxSteps: Self.maxSteps)
    }

    /// Where the k-th box waits, resting on the (infinite) floor far from the workspace and the cameras.
    static func parked(_ k: Int, size: SIMD3<Double>) -> Pose {
        Pose(position: SIMD3(0.2 * Double(k), parkingY, size.z / 2))
    }

    /// CLIPort's `spawn_box`: when no goal box is in the workspace's spawn half, the next waiting box appears
    /// at (0.5, -0.25, 0.1) with a random yaw and the world settles; with none left but goals remaining, the
    /// episode ends (`EpisodeEnding.palletNotFull`).
    public func afterReward(world: TabletopWorld, remainingGoals: [Goal], rng: inout SeededGenerator) throws -> EpisodeEnding? {
        guard let goal = remainingGoals.first else { return nil }
        let poses = world.objectPoses
        let empty = goal.objects.allSatisfy { poses[$0].position.y < -0.5 || poses[$0].position.y > 0 }
        let waiting = goal.objects.filter { poses[$0].position.y < Self.parkingY / 2 }
        guard empty else { return nil }
        guard let next = waiting.min(by: { world.scene.objects[$0].name < world.scene.objects[$1].name }) else {
            return .palletNotFull
        }
        try world.teleport(object: next, to: Pose(position: Self.spawnPosition, rotation: Quaternion(yaw: rng.uniform() * 2 * .pi)))
        try world.settle()
        return nil
    }
}
