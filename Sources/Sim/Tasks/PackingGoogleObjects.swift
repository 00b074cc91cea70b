import Core
import Foundation
import Geometry

/// CLIPort's `packing-{seen,unseen}-google-objects-{seq,group}`: a brown container U(0.2-0.35)^2 x 0.05; the
/// KD-tree split with min dim 0.08 gives the object count; each object gets a random free pose for its cell's
/// size, 5 cm higher and tilted, and everything settles.
/// - seq: objects unique; the first 1..n-1 of them are packed one per goal ("pack the {obj} in the brown
///   box", 1/n_pack each, zone metric); max steps n_pack + 1.
/// - group: 2 copies of a repeated category and 2 of a distractor one, the rest random; one goal over every
///   object of the repeated category ("pack all the {obj} objects in the brown box"); max steps count + 1.
/// Objects come from `objectSet` (`GoogleObjects.ObjectSet`; the built-in procedural stand-ins by default),
/// the seen/unseen name lists from CLIPort.
public struct PackingGoogleObjects: Task {
    public let seen: Bool
    public let group: Bool
    public let objectSet: GoogleObjects.ObjectSet

    public init(seen: Bool, group: Bool, objectSet: GoogleObjects.ObjectSet = .procedural) {
        self.seen = seen; self.group = group; self.objectSet = objectSet
    }

    public var name: String { "packing-\(seen ? "seen" : "unseen")-google-objects-\(group ? "group" : "seq")" }
    public var instructionTemplates: [String] {
        [group ? "pack all the {obj} objects in the brown box" : "pack the {obj} in the brown box"]
    }
    public var completedInstruction: String { "done packing objects." }
    public var objectSetName: String? { objectSet.recordName }
    public var maxStepsRule: String { group ? "n_objects of the category + 1" : "n_pack + 1" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] {
        let name = seen ? "seen objects" : (split == .train ? "unseen train objects" : "unseen val/test objects")
        return [TaskAttributeList(kind: "objects", listName: name, values: GoogleObjects.names(seen: seen, split: split))]
    }

    /// CLIPort's slight tilt of spawned objects (20 degrees about x; CLIPort's quaternion order mix-up makes
    /// its rotation slightly different).
    static let tilt = Quaternion(axis: SIMD3(1, 0, 0), angle: -20 * .pi / 180)
    static let objectMass = 0.05

    public func reset(split: Split, rng: inout SeededGenerator) throws -> TaskEpisode {
        let names = GoogleObjects.names(seen: seen, split: split)
        var placer = FreeSpacePlacer()
        let zoneSize = SIMD3(rng.uniform(0.2, 0.35), rng.uniform(0.2, 0.35), 0.05)
        let zonePose = try BoxPacking.addContainer(size: zoneSize, to: &placer, rng: &rng)
        let root = BoxPacking.Cell(min: SIMD3(0.01, 0.01, 0), max: SIMD3(zoneSize.x - 0.01, zoneSize.y - 0.01, zoneSize.z))
        let cells = BoxPacking.kdTreeSplit(root, minDim: 0.08, margin: 0.01, rng: &rng)

        var chosen: [String]
        var repeated: String?
        if group {
            chosen = (0..<cells.count).map { _ in names[min(Int(rng.uniform() * Double(names.count)), names.count - 1)] }
            let picks = rng.sample(Array(chosen.indices), count: 2)
            repeated = chosen[picks[0]]
            let distractor = chosen[picks.count > 1 ? picks[1] : picks[0]]
            for i in chosen.indices where i < 2 { chosen[i] = repeated! }
            for i in chosen.indices where i >= 2 && i < 4 { chosen[i] = distractor }
        } else {
            chosen = rng.sample(names, count: cells.count)
        }

        var objects: [Int] = [], descriptions: [String] = [], points: [[SIMD3<Double>]] = []
        for (i, cell) in cells.enumerated() where i < chosen.count {
            let size = cell.size
            let shape = try objectSet.shape(name: chosen[i], cellSize: max(size.x, size.y, size.z))
            // CLIPort places by the cell's size; a scanned mesh (5 x the cell's largest side) can be wider than its
            // cell, so it gets the room of its own footprint, or objects would start inside each other.
            var footprint = size
            if case .scanned = objectSet { footprint = SIMD3(max(size.x, shape.size.x), max(size.y, shape.size.y), size.z) }
            guard let pose = placer.randomPose(for: .box(size: footprint), rng: &rng) else { continue }
            // 5 cm above the placement height (CLIPort), raised for a scanned mesh taller than its cell so that
            // it starts clear of the table (the procedural stand-ins are never taller: unchanged for them).
            let z = max(pose.position.z, shape.restingZ) + 0.05
            let spawn = Pose(position: SIMD3(pose.position.x, pose.position.y, z), rotation: pose.rotation * Self.tilt)
            objects.append(placer.scene.objects.count)
            descriptions.append(chosen[i])
            points.append(GoogleObjects.points(of: shape))
            placer.add(SceneObject(name: "object\(i)-" + chosen[i].replacingOccurrences(of: " ", with: "-"),
                                   shape: .compound(shape), color: objectSet.color(of: chosen[i]), mass: Self.objectMass,
                                   pose: spawn))
        }
        guard !objects.isEmpty else { throw SimError.noFreeSpace(object: "google object", placed: placer.scene.objects.count) }
        let zone = Goal.ZoneRegion(pose: zonePose, size: zoneSize)
        if let repeated {
            let members = objects.indices.filter { descriptions[$0] == repeated }
            let goal = Goal(objects: members.map { objects[$0] }, symmetries: members.map { _ in 0 },
                            matches: members.indices.map { i in members.indices.map { $0 == i } },
                            targets: members.map { _ in zonePose }, replace: false, rotations: true,
                            metric: .zone(points: members.map { points[$0] }, zones: [zone], maxZ: 0.3), maxReward: 1,
                            instruction: "pack all the \(repeated) objects in the brown box")
            return TaskEpisode(scene: placer.scene, goals: [goal], maxSteps: members.count + 1)
        }
        // numpy's randint(1, n): 1...n-1 (1 when only one object fits).
        let packed = objects.count > 1 ? rng.integer(in: 1...(objects.count - 1)) : 1
        let goals = (0..<packed).map { i in
            Goal(objects: [objects[i]], symmetries: [0], matches: [[true]], targets: [zonePose], replace: false,
                 rotations: true, metric: .zone(points: [points[i]], zones: [zone], maxZ: 0.3), maxReward: 1 / Double(packed),
                 instruction: "pack the \(descriptions[i]) in the brown box")
        }
        return TaskEpisode(scene: placer.scene, goals: goals, maxSteps: packed + 1)
    }
    /// CLIPort's oracle, with the place height raised above the pile already in the container: every object
    /// targets the container's centre, and the primitive starts its slow descent only 3 cm above the place pose
    /// (CLIPort descends from 0.32 m), so the held object must start above what is there.
    public func oracle(goal: Goal, scene: Scene, poses: [Pose], raster: TopDownRaster, workspace: Workspace,
                       rng: inout SeededGenerator) throws -> PickPlaceAction {
        var action = try Oracle.act(goal: goal, scene: scene, poses: poses, raster: raster, workspace: workspace, rng: &rng)
        guard let object = goal.objects.first(where: { raster.pixels(of: $0).contains(workspace.pixel(of: action.pick.position)) }),
              case .compound(let shape) = scene.objects[object].shape else { return action }
        let bottom = poses[object].position.z - shape.restingZ
        let pickAboveBottom = action.pick.position.z - bottom
        let reach = max(shape.size.x, shape.size.y) / 2 + 0.01
        let centre = workspace.pixel(of: action.place.position)
        let r = Int((reach / workspace.pixelSize).rounded(.up))
        var pileTop = 0.0
        for row in max(0, centre.row - r)...min(raster.rows - 1, centre.row + r) {
            for col in max(0, centre.col - r)...min(raster.cols - 1, centre.col + r) {
                let i = row * raster.cols + col
                if raster.objectIndex[i] >= 0, Int(raster.objectIndex[i]) != object,
                   scene.objects[Int(raster.objectIndex[i])].isFixed == false {
                    pileTop = max(pileTop, Double(raster.height[i]))
                }
            }
        }
        action.place.position.z = max(action.place.position.z, pileTop + pickAboveBottom + 0.005)
        return action
    }
}
