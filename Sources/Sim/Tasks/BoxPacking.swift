import Core
import Foundation
import Geometry

extension CompoundShape {
    /// Ravens' `container/container-template.urdf`: a 2 mm floor at the bottom and four 2 mm walls centred on
    /// the sides, full height; frame at the centre of the size (so a container on the table has z = size.z/2).
    public static func container(size s: SIMD3<Double>) -> CompoundShape {
        let h = s / 2, t = 0.001
        return CompoundShape(name: "container", parts: [
            Part(.box(halfSize: SIMD3(h.x, h.y, t)), at: SIMD3(0, 0, -h.z)),
            Part(.box(halfSize: SIMD3(h.x, t, h.z)), at: SIMD3(0, -h.y, 0)),
            Part(.box(halfSize: SIMD3(h.x, t, h.z)), at: SIMD3(0, h.y, 0)),
            Part(.box(halfSize: SIMD3(t, h.y, h.z)), at: SIMD3(-h.x, 0, 0)),
            Part(.box(halfSize: SIMD3(t, h.y, h.z)), at: SIMD3(h.x, 0, 0)),
        ], size: s, restingZ: h.z, top: h.z)
    }
}

/// The box-packing machinery of `packing-boxes` and `packing-boxes-pairs`.
enum BoxPacking {
    /// An axis-aligned box in the container's corner frame (min, max).
    struct Cell: Equatable {
        var min: SIMD3<Double>
        var max: SIMD3<Double>
        var size: SIMD3<Double> { max - min }
    }

    /// CLIPort's random KD-tree split: a cell splits along a random axis longer than 2 x minDim (uniform
    /// among those), at a uniform cut at least minDim from either end, leaving `margin` between the halves;
    /// leaves are returned depth-first (first child first).
    static func kdTreeSplit(_ cell: Cell, minDim: Double, margin: Double, rng: inout SeededGenerator) -> [Cell] {
        let size = cell.size
        let axes = (0..<3).filter { size[$0] > 2 * minDim }
        guard !axes.isEmpty else { return [cell] }
        let axis = axes[min(Int(rng.uniform() * Double(axes.count)), axes.count - 1)]
        let cut = rng.uniform() * (size[axis] - 2 * minDim) + cell.min[axis] + minDim
        var a = cell, b = cell
        a.max[axis] = cut - margin / 2
        b.min[axis] = cut + margin / 2
        return kdTreeSplit(a, minDim: minDim, margin: margin, rng: &rng) + kdTreeSplit(b, minDim: minDim, margin: margin, rng: &rng)
    }

    /// CLIPort's `get_box_object_points`: a 2 cm grid from -size/2 (inclusive) to size/2 (exclusive) per axis.
    static func boxPoints(size: SIMD3<Double>) -> [SIMD3<Double>] {
        func axis(_ d: Double) -> [Double] {
            let n = Int(((d / 2 - (-d / 2)) / 0.02).rounded(.up))
            return (0..<max(n, 1)).map { -d / 2 + 0.02 * Double($0) }
        }
        var points: [SIMD3<Double>] = []
        for z in axis(size.z) { for x in axis(size.x) { for y in axis(size.y) { points.append(SIMD3(x, y, z)) } } }
        return points
    }

    static let boxMass = 0.05
    /// CLIPort's max_steps of both box-packing tasks.
    static let maxSteps = 20

    /// A fixed brown container (`CompoundShape.container`) of `size` at a random free pose; returns the pose.
    static func addContainer(size: SIMD3<Double>, to placer: inout FreeSpacePlacer, rng: inout SeededGenerator) throws -> Pose {
        try placer.addAtFreePose("container", shape: .compound(.container(size: size)), color: .brown, mass: 0.1,
                                 isFixed: true, rng: &rng).pose
    }

    /// A packing scene: a fixed container of random size U(0.05-0.3)^2 x 0.05 at a random pose, boxes from
    /// the KD-tree split (min dim 0.05, margin 0.01) each coloured by `color`, moved one by one to random free
    /// poses; the goal is the zone metric (with `maxZ`) over all boxes, targets their packed poses.
    static func build(colorOf color: (inout SeededGenerator) -> NamedColor, maxZ: Double, instruction: String,
                      rng: inout SeededGenerator) throws -> (placer: FreeSpacePlacer, boxes: [Int], goal: Goal, cells: [Cell]) {
        let zoneSize = SIMD3(rng.uniform(0.05, 0.3), rng.uniform(0.05, 0.3), rng.uniform(0.05, 0.05))
        var placer = FreeSpacePlacer()
        let zonePose = try addContainer(size: zoneSize, to: &placer, rng: &rng)
        let root = Cell(min: SIMD3(0.01, 0.01, 0), max: SIMD3(zoneSize.x - 0.01, zoneSize.y - 0.01, zoneSize.z))
        let cells = kdTreeSplit(root, minDim: 0.05, margin: 0.01, rng: &rng)
        var boxes: [Int] = [], targets: [Pose] = [], points: [[SIMD3<Double>]] = []
        for (i, cell) in cells.enumerated() {
            var position = cell.size / 2 + cell.min
            position.x -= zoneSize.x / 2
            position.y -= zoneSize.y / 2
            let pose = zonePose * Pose(position: position)
            boxes.append(placer.scene.objects.count)
            targets.append(pose)
            points.append(boxPoints(size: cell.size))
            placer.add(SceneObject(name: "box\(i)", shape: .box(size: cell.size), color: color(&rng), mass: boxMass, pose: pose))
        }
        // Move each box out of the container to a random free pose (the others still where they are).
        for index in boxes {
            let o = placer.scene.objects[index]
            let pose = try placer.place(o.shape, name: o.name, rng: &rng)
            var objects = placer.scene.objects
            objects[index].pose = pose
            placer = FreeSpacePlacer(objects: objects)
        }
        let zone = Goal.ZoneRegion(pose: zonePose, size: zoneSize)
        let goal = Goal(objects: boxes, symmetries: boxes.map { _ in 0 },
                        matches: boxes.indices.map { i in boxes.indices.map { $0 == i } }, targets: targets,
                        replace: false, rotations: true, metric: .zone(points: points, zones: [zone], maxZ: maxZ),
                        maxReward: 1, instruction: instruction)
        return (placer, boxes, goal, cells)
    }
}

/// CLIPort's `packing-boxes-pairs-{seen-colors,unseen-colors,full}`: boxes of the KD-tree split of a random
/// container, each in one of two chosen colours, plus 4 distractor boxes (sizes of random cells) in other
/// colours; "pack all the {colors} blocks into the brown box"; zone metric with z-max 0.0525 (no stacking).
/// Max steps 20.
public struct PackingBoxesPairs: Task {
    public let colors: ColorVariant
    public init(colors: ColorVariant) { self.colors = colors }

    public var name: String { "packing-boxes-pairs-\(colors.suffix)" }
    public var instructionTemplates: [String] { ["pack all the {colors} blocks into the brown box"] }
    public var completedInstruction: String { "done packing blocks." }
    public var maxStepsRule: String { "\(BoxPacking.maxSteps)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [.colors(colors, split)] }
    public static let distractorCount = 4

    public func reset(split: Split, rng: inout SeededGenerator) throws -> TaskEpisode {
        let all = colors.colors(for: split)
        // Boxes are coloured once the split is known (CLIPort: min(2, n_boxes) relevant colours).
        var built = try BoxPacking.build(colorOf: { _ in .brown }, maxZ: 0.0525, instruction: "", rng: &rng)
        let relevant = rng.sample(all, count: min(2, built.boxes.count))
        var objects = built.placer.scene.objects
        for index in built.boxes {
            objects[index].color = relevant[min(Int(rng.uniform() * Double(relevant.count)), relevant.count - 1)]
        }
        let distractorColors = all.filter { !relevant.contains($0) }
        var placer = FreeSpacePlacer(objects: objects)
        for i in 0..<Self.distractorCount {
            let cell = built.cells[min(Int(rng.uniform() * Double(built.cells.count)), built.cells.count - 1)]
            let shape = ObjectShape.box(size: cell.size)
            // CLIPort adds the box anyway and skips its colour when it got no pose; here it is left out.
            guard let pose = placer.randomPose(for: shape, rng: &rng) else { continue }
            let color = distractorColors[min(Int(rng.uniform() * Double(distractorColors.count)), distractorColors.count - 1)]
            placer.add(SceneObject(name: "distractor\(i)", shape: shape, color: color, mass: BoxPacking.boxMass, pose: pose))
        }
        let description = relevant.count > 1 ? "\(relevant[0].name) and \(relevant[1].name)" : relevant[0].name
        built.goal.instruction = "pack all the \(description) blocks into the brown box"
        return TaskEpisode(scene: placer.scene, goals: [built.goal], maxSteps: BoxPacking.maxSteps)
    }
}

/// Ravens' `packing-boxes`: the KD-tree boxes in random colours (any but brown); "pack all the boxes inside
/// the brown box"; zone metric with z-max 0.08. Max steps 20.
public struct PackingBoxes: Task {
    public init() {}
    public var name: String { "packing-boxes" }
    public var instructionTemplates: [String] { ["pack all the boxes inside the brown box"] }
    public var completedInstruction: String { "done packing boxes." }
    public var maxStepsRule: String { "\(BoxPacking.maxSteps)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [] }

    public func reset(split: Split, rng: inout SeededGenerator) throws -> TaskEpisode {
        let colors = NamedColor.all.filter { $0 != .brown }
        let built = try BoxPacking.build(colorOf: { r in colors[min(Int(r.uniform() * Double(colors.count)), colors.count - 1)] },
                                         maxZ: 0.08, instruction: "pack all the boxes inside the brown box", rng: &rng)
        return TaskEpisode(scene: built.placer.scene, goals: [built.goal], maxSteps: BoxPacking.maxSteps)
    }
}
