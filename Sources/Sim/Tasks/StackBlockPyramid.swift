import Core
import Foundation
import Geometry

extension NamedColor {
    /// The stands' light and dark brown ends (Ravens' `stand.urdf` materials).
    static let lightBrown = NamedColor(name: "light brown", rgb: SIMD3(234, 175, 142))
    static let darkBrown = NamedColor(name: "dark brown", rgb: SIMD3(78, 59, 48))
}

extension CompoundShape {
    /// Ravens' `stacking/stand.urdf`: three 5 x 5 x 0.5 cm plates in a row along y, light brown at -y,
    /// brown in the middle, dark brown at +y; frame at the centre (size 0.05 x 0.15 x 0.005).
    public static let pyramidStand = CompoundShape(
        name: "pyramid-stand",
        parts: [
            Part(.box(halfSize: SIMD3(0.025, 0.025, 0.0025)), at: SIMD3(0, -0.05, 0), color: .lightBrown),
            Part(.box(halfSize: SIMD3(0.025, 0.025, 0.0025))),
            Part(.box(halfSize: SIMD3(0.025, 0.025, 0.0025)), at: SIMD3(0, 0.05, 0), color: .darkBrown),
        ],
        size: SIMD3(0.05, 0.15, 0.005), restingZ: 0.0025, top: 0.0025)
}

/// Shared scene of the pyramid tasks: the stand (fixed) and six 4 cm blocks in the given colours, and the six
/// target poses in the stand frame (bottom row at y = -0.05, 0, 0.05; middle row at -0.025, 0.025; top at 0).
enum PyramidScene {
    static let placeOffsets: [SIMD3<Double>] = [SIMD3(0, -0.05, 0.03), SIMD3(0, 0, 0.03), SIMD3(0, 0.05, 0.03),
                                                SIMD3(0, -0.025, 0.08), SIMD3(0, 0.025, 0.08), SIMD3(0, 0, 0.13)]
    static let blockMass = 0.01
    static let symmetry = Double.pi / 2

    /// The scene, the block object indices and the targets.
    static func build(colors: [NamedColor], rng: inout SeededGenerator) throws -> (Scene, [Int], [Pose]) {
        var placer = FreeSpacePlacer()
        let base = try placer.addAtFreePose("stand", shape: .compound(.pyramidStand), color: .brown, mass: 0.1,
                                            isFixed: true, rng: &rng).pose
        let blocks = try colors.prefix(6).enumerated().map { i, color in
            try placer.addAtFreePose("block\(i)", shape: .block, color: color, mass: blockMass, rng: &rng).index
        }
        let targets = placeOffsets.map { Pose(position: base.transform($0), rotation: base.rotation) }
        return (placer.scene, blocks, targets)
    }
}

/// CLIPort's `stack-block-pyramid-seq-{seen-colors,unseen-colors,full}`: six blocks in 6 of the split's
/// colours (shuffled), one goal per block (1/6 each, symmetry pi/2): "put the {pick} block on {place}" with
/// place "the lightest/middle/darkest brown block" for the bottom row and "the {c1} and {c2} blocks" above.
/// Max steps 12.
public struct StackBlockPyramidSeq: Task {
    public let colors: ColorVariant
    public init(colors: ColorVariant) { self.colors = colors }

    public var name: String { "stack-block-pyramid-seq-\(colors.suffix)" }
    public var instructionTemplates: [String] { ["put the {pick} block on {place}"] }
    public var completedInstruction: String { "done stacking block pyramid." }
    public var maxStepsRule: String { "\(Self.maxSteps)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [.colors(colors, split)] }
    public static let maxSteps = 12

    public func reset(split: Split, rng: inout SeededGenerator) throws -> TaskEpisode {
        let all = colors.colors(for: split)
        let names = rng.sample(all, count: all.count)   // random.shuffle, on a copy
        let (scene, blocks, targets) = try PyramidScene.build(colors: names, rng: &rng)
        let n = names.map(\.name)
        let places = ["the lightest brown block", "the middle brown block", "the darkest brown block",
                      "the \(n[0]) and \(n[1]) blocks", "the \(n[1]) and \(n[2]) blocks", "the \(n[3]) and \(n[4]) blocks"]
        let goals = (0..<6).map { i in
            Goal(objects: [blocks[i]], symmetries: [PyramidScene.symmetry], matches: [[true]], targets: [targets[i]],
                 replace: false, rotations: true, metric: .pose, maxReward: 1.0 / 6,
                 instruction: "put the \(n[i]) block on \(places[i])")
        }
        return TaskEpisode(scene: scene, goals: goals, maxSteps: Self.maxSteps)
    }
}

/// Ravens' `stack-block-pyramid`: purple, blue, green (bottom row, any order), yellow, orange (middle), red
/// (top); three goals worth 1/2, 1/3 and 1/6: "make the {row} row with {blocks}". Max steps 12.
public struct StackBlockPyramid: Task {
    public init() {}

    public var name: String { "stack-block-pyramid" }
    public var instructionTemplates: [String] { ["make the {row} row with {blocks}"] }
    public var completedInstruction: String { "done stacking block pyramid." }
    public var maxStepsRule: String { "\(StackBlockPyramidSeq.maxSteps)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [] }
    public static let colors: [NamedColor] = [.purple, .blue, .green, .yellow, .orange, .red]

    public func reset(split: Split, rng: inout SeededGenerator) throws -> TaskEpisode {
        let (scene, blocks, targets) = try PyramidScene.build(colors: Self.colors, rng: &rng)
        func goal(_ range: Range<Int>, _ reward: Double, _ row: String, _ text: String) -> Goal {
            Goal(objects: Array(blocks[range]), symmetries: range.map { _ in PyramidScene.symmetry },
                 matches: range.map { _ in range.map { _ in true } }, targets: Array(targets[range]),
                 replace: false, rotations: true, metric: .pose, maxReward: reward,
                 instruction: "make the \(row) row with \(text)")
        }
        return TaskEpisode(scene: scene, goals: [
            goal(0..<3, 1.0 / 2, "bottom", "the green, blue and purple blocks"),
            goal(3..<5, 1.0 / 3, "middle", "the yellow and orange blocks"),
            goal(5..<6, 1.0 / 6, "top", "the red block"),
        ], maxSteps: StackBlockPyramidSeq.maxSteps)
    }
}
