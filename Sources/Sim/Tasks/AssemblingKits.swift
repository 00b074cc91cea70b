import Core
import Foundation
import Geometry

extension NamedColor {
    /// The kit holes' dark grey (CLIPort: COLOR 0.2 0.2 0.2).
    static let hole = NamedColor(name: "dark gray", rgb: SIMD3(51, 51, 51))
}

extension CompoundShape {
    /// Ravens' `kitting/kit.urdf`: a 28 x 20 x 0.5 cm brown plate, frame at its centre.
    public static let kit = CompoundShape(name: "kit", parts: [Part(.box(halfSize: SIMD3(0.14, 0.1, 0.0025)))],
                                          size: SIMD3(0.28, 0.2, 0.005), restingZ: 0.0025, top: 0.0025)
}

/// The kit with five holes and five shapes to put in them (the assembling-kits tasks).
enum KitScene {
    /// Hole centres in the kit frame (CLIPort's `targ_pos`, x and y).
    static let holeOffsets: [SIMD2<Double>] = [SIMD2(-0.09, 0.045), SIMD2(0, 0.045), SIMD2(0.09, 0.045),
                                                SIMD2(-0.045, -0.045), SIMD2(0.045, -0.045)]
    static let objectCount = 5
    static let objectMass = 0.01

    struct Built {
        var scene: Scene
        var objects: [Int]
        var targets: [Pose]
        var shapes: [Int]
        var holePositions: [SIMD3<Double>]
    }

    /// The kit at a random pose, a hole of `shapes[i]` at offset i with a random yaw, then the shapes at
    /// random free poses in `colors[i]`.
    static func build(shapes: [Int], colors: [NamedColor], rng: inout SeededGenerator) throws -> Built {
        var placer = FreeSpacePlacer()
        let kitPose = try placer.addAtFreePose("kit", shape: .compound(.kit), color: .brown, mass: 0.1, isFixed: true, rng: &rng).pose
        var targets: [Pose] = [], holePositions: [SIMD3<Double>] = []
        for (i, shape) in shapes.enumerated() {
            let position = kitPose.transform(SIMD3(holeOffsets[i].x, holeOffsets[i].y, 0.0025 + KitShapes.holeThickness / 2))
            let pose = Pose(position: position, rotation: Quaternion(yaw: rng.uniform() * 2 * .pi))
            placer.add(SceneObject(name: "hole\(i)", shape: .compound(KitShapes.hole(shape)), color: .hole, mass: 0.1,
                                   pose: pose, isFixed: true))
            targets.append(pose)
            holePositions.append(position)
        }
        let objects = try addShapes(shapes, colors: colors, to: &placer, rng: &rng)
        return Built(scene: placer.scene, objects: objects, targets: targets, shapes: shapes, holePositions: holePositions)
    }

    /// Kit shape `shapes[i]` in `colors[i]` at random free poses, named "shape<i>-<shape name>"; returns their
    /// object indices.
    static func addShapes(_ shapes: [Int], colors: [NamedColor], to placer: inout FreeSpacePlacer,
                          rng: inout SeededGenerator) throws -> [Int] {
        var objects: [Int] = []
        for (i, shape) in shapes.enumerated() {
            // A failed placement names it "shape<i>", as the failed-seed logs always have.
            let object = ObjectShape.compound(KitShapes.object(shape))
            let pose = try placer.place(object, name: "shape\(i)", rng: &rng)
            objects.append(placer.scene.objects.count)
            placer.add(SceneObject(name: "shape\(i)-\(KitShapes.names[shape].replacingOccurrences(of: " ", with: "-"))",
                                   shape: object, color: colors[i], mass: objectMass, pose: pose))
        }
        return objects
    }

    /// CLIPort's spatial word for hole i when its shape appears more than once ("" otherwise), from the world
    /// positions of the holes: top / bottom (x, when x dominates), left / right (y), else middle.
    static func location(of i: Int, shapes: [Int], positions: [SIMD3<Double>]) -> String {
        let others = shapes.indices.filter { $0 != i && shapes[$0] == shapes[i] }.map { positions[$0] }
        guard !others.isEmpty else { return "" }
        let p = positions[i]
        if others.allSatisfy({ p.x < $0.x && abs(p.x - $0.x) > abs(p.y - $0.y) }) { return "top " }
        if others.allSatisfy({ p.x > $0.x && abs(p.x - $0.x) > abs(p.y - $0.y) }) { return "bottom " }
        if others.allSatisfy({ p.y < $0.y }) { return "left " }
        if others.allSatisfy({ p.y > $0.y }) { return "right " }
        return "middle "
    }

    /// `n` shapes drawn with replacement from `set` (numpy's choice).
    static func drawShapes(from set: [Int], count n: Int, rng: inout SeededGenerator) -> [Int] {
        (0..<n).map { _ in set[min(Int(rng.uniform() * Double(set.count)), set.count - 1)] }
    }
}

/// CLIPort's `assembling-kits-seq-{seen-colors,unseen-colors,full}`: 5 shapes (with replacement; train
/// shapes 0-13, val/test 14-19; full: all 20) in 5 distinct colours of the split, the goals one shape at a time
/// in random order (1/5 each, the shape's symmetry): "put the {color} {obj} in the {loc}{obj} hole". Max
/// steps 5.
public struct AssemblingKitsSeq: Task {
    public let colors: ColorVariant
    public init(colors: ColorVariant) { self.colors = colors }

    public var name: String { "assembling-kits-seq-\(colors.suffix)" }
    public var instructionTemplates: [String] { ["put the {color} {obj} in the {loc}{obj} hole"] }
    public var completedInstruction: String { "done assembling kit." }
    public var maxStepsRule: String { "\(KitScene.objectCount)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [.shapes(shapeSet(for: split)), .colors(colors, split)] }

    public static let trainShapes = Array(0..<14)
    public static let testShapes = Array(14..<20)

    public func shapeSet(for split: Split) -> [Int] {
        if colors == .full { return Array(0..<20) }
        return split == .train ? Self.trainShapes : Self.testShapes
    }

    public func reset(split: Split, rng: inout SeededGenerator) throws -> TaskEpisode {
        let n = KitScene.objectCount
        let shapes = KitScene.drawShapes(from: shapeSet(for: split), count: n, rng: &rng)
        let palette = colors.colors(for: split)
        let chosen = rng.sample(palette, count: palette.count)   // np.random.shuffle, on a copy
        let kit = try KitScene.build(shapes: shapes, colors: Array(chosen.prefix(n)), rng: &rng)
        let order = rng.sample(Array(0..<n), count: n)
        let goals = order.map { i in
            Goal(objects: [kit.objects[i]], symmetries: [KitShapes.symmetries[shapes[i]]], matches: [[true]],
                 targets: [kit.targets[i]], replace: false, rotations: true, metric: .pose, maxReward: 1 / Double(n),
                 instruction: "put the \(chosen[i].name) \(KitShapes.names[shapes[i]]) in the "
                    + "\(KitScene.location(of: i, shapes: shapes, positions: kit.holePositions))\(KitShapes.names[shapes[i]]) hole")
        }
        return TaskEpisode(scene: kit.scene, goals: goals, maxSteps: n)
    }
}

/// Ravens' `assembling-kits` (and `-easy`): 5 shapes in purple, blue, green, yellow, red; one goal over all
/// of them, each shape may go to any hole of its shape: "put all the blocks inside the holes they fit in".
/// Easy: rotation tolerance 30 degrees, train shapes all but {3, 11}, test shapes {3, 11} with all five the
/// same. Max steps 10.
public struct AssemblingKits: Task {
    public let easy: Bool
    public init(easy: Bool = false) { self.easy = easy }

    public var name: String { easy ? "assembling-kits-easy" : "assembling-kits" }
    public var instructionTemplates: [String] { ["put all the blocks inside the holes they fit in"] }
    public var completedInstruction: String { "done assembling blocks." }
    public var maxStepsRule: String { "\(Self.maxSteps)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [.shapes(split == .train ? trainShapes : testShapes)] }
    public static let maxSteps = 10
    public static let colors: [NamedColor] = [.purple, .blue, .green, .yellow, .red]

    public var trainShapes: [Int] { easy ? [0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19] : Array(0..<14) }
    public var testShapes: [Int] { easy ? [3, 11] : Array(14..<20) }

    public func reset(split: Split, rng: inout SeededGenerator) throws -> TaskEpisode {
        let n = KitScene.objectCount
        let shapes: [Int]
        if split == .train {
            shapes = KitScene.drawShapes(from: trainShapes, count: n, rng: &rng)
        } else if easy {
            shapes = Array(repeating: KitScene.drawShapes(from: testShapes, count: 1, rng: &rng)[0], count: n)
        } else {
            shapes = KitScene.drawShapes(from: testShapes, count: n, rng: &rng)
        }
        let kit = try KitScene.build(shapes: shapes, colors: Self.colors, rng: &rng)
        let goal = Goal(objects: kit.objects, symmetries: shapes.map { KitShapes.symmetries[$0] },
                        matches: shapes.map { s in shapes.map { $0 == s } }, targets: kit.targets, replace: false,
                        rotations: true, metric: .pose, maxReward: 1, instruction: "put all the blocks inside the holes they fit in",
                        rotationTolerance: (easy ? 30 : 15) * .pi / 180)
        return TaskEpisode(scene: kit.scene, goals: [goal], maxSteps: Self.maxSteps)
    }
}

/// CLIPort's `packing-shapes`: 5 distinct shapes (train 0-13, val/test 14-19) in colours of the split, a
/// brown container U(0.1-0.15)^2 x 0.05; "pack the {obj} in the brown box" for the first shape. Zone metric:
/// CLIPort's box points of a mesh come from its scale (0.003, 0.003, 0.001), i.e. a single point just off the
/// shape's origin, so the shape's origin must be inside the container. Max steps 1.
public struct PackingShapes: Task {
    public init() {}
    public var name: String { "packing-shapes" }
    public var instructionTemplates: [String] { ["pack the {obj} in the brown box"] }
    public var completedInstruction: String { "done packing shapes." }
    public var maxStepsRule: String { "\(Self.maxSteps)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] {
        [.shapes(split == .train ? AssemblingKitsSeq.trainShapes : AssemblingKitsSeq.testShapes), .colors(.unseen, split)]
    }
    public static let maxSteps = 1

    public func reset(split: Split, rng: inout SeededGenerator) throws -> TaskEpisode {
        let set = split == .train ? AssemblingKitsSeq.trainShapes : AssemblingKitsSeq.testShapes
        let shapes = rng.sample(set, count: KitScene.objectCount)
        let palette = split == .train ? NamedColor.trainColors : NamedColor.evalColors
        let colors = rng.sample(palette, count: palette.count)
        var placer = FreeSpacePlacer()
        let zoneSize = SIMD3(rng.uniform(0.1, 0.15), rng.uniform(0.1, 0.15), 0.05)
        let zonePose = try BoxPacking.addContainer(size: zoneSize, to: &placer, rng: &rng)
        let objects = try KitScene.addShapes(shapes, colors: colors, to: &placer, rng: &rng)
        // The one CLIPort point, expressed from this shape's centred frame (CLIPort's origin is its bottom).
        let point = SIMD3(-0.0015, -0.0015, -0.0005 - KitShapes.height / 2)
        let goal = Goal(objects: [objects[0]], symmetries: [0], matches: [[true]], targets: [zonePose], replace: false,
                        rotations: true, metric: .zone(points: [[point]], zones: [Goal.ZoneRegion(pose: zonePose, size: zoneSize)], maxZ: 0.3),
                        maxReward: 1, instruction: "pack the \(KitShapes.names[shapes[0]]) in the brown box")
        return TaskEpisode(scene: placer.scene, goals: [goal], maxSteps: Self.maxSteps)
    }
}

