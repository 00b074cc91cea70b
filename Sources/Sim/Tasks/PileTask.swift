import Core
import Foundation
import Geometry

/// CLIPort's `separating-piles-{seen-colors,unseen-colors,full}` and the Ravens `sweeping-piles`
/// (`tasks/separating_piles.py`, `tasks/sweeping_piles.py`): 50 small blocks (1 cm, 1 g) dropped at
/// random in the 0.2 x 0.2 area x in [0.4, 0.6], y in [-0.1, 0.1]; the spatula pushes them into a zone
/// square. Separating: two 0.15 m zones (the metric's size; drawn, as CLIPort draws `zone.urdf`, 0.12 m) in
/// two colours, centres at least 0.2 m apart, one of them the target, blocks in a third colour, "push the pile of {block_color} blocks into the {square_color}
/// square". Sweeping: one green 0.12 m zone, "push the pile of blocks into the green square". Reward:
/// the zone metric (the fraction of block points in the zone; a 1 cm block has one point, its
/// (-5, -5, -5) mm corner, as CLIPort's 2 cm point grid gives). Max 20 steps.
public struct PileTask: Task {
    /// nil: sweeping-piles; otherwise the colour variant of separating-piles.
    public let colors: ColorVariant?

    public init(colors: ColorVariant?) { self.colors = colors }

    public var name: String { colors.map { "separating-piles-\($0.suffix)" } ?? "sweeping-piles" }
    public var instructionTemplates: [String] {
        colors == nil ? ["push the pile of blocks into the green square"]
            : ["push the pile of {block_color} blocks into the {square_color} square"]
    }
    public var completedInstruction: String { colors == nil ? "done sweeping." : "done separating pile." }
    public var primitive: MotionPrimitive { .push }
    public var maxStepsRule: String { "\(Self.maxSteps)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { colors.map { [.colors($0, split)] } ?? [] }

    public static let blockCount = 50
    public static let blockSize = 0.01
    public static let blockMass = 0.001
    public static let maxSteps = 20
    public static let sweepingZoneSize = 0.12
    public static let separatingZoneSize = 0.15
    /// Zone centres of separating-piles are at least this far apart.
    public static let zoneSeparation = 0.2
    /// CLIPort resamples the second zone until it is far enough, without bound; here at most this often.
    public static let zoneAttempts = 100
    /// The drawn zone, `zone/zone.urdf` (`zone.obj` scaled 0.006): a 0.12 m square outline with 6 mm
    /// sides, in both tasks, whatever size the metric uses.
    public static let drawnZoneSize = 0.12
    public static let zoneLineWidth = 0.006
    /// The block colour of sweeping-piles (CLIPort leaves `small.urdf`'s own colour).
    public static let sweepingBlockColor = NamedColor.red
    /// The zone colour of sweeping-piles (`zone.urdf`'s pure green).
    public static let sweepingZoneColor = NamedColor(name: "green", rgb: SIMD3(0, 255, 0))
    /// The block's metric point: CLIPort's `np.arange(-0.005, 0.005, 0.02)` grid has one point per axis.
    public static let blockPoint = SIMD3(-0.005, -0.005, -0.005)
    /// Zone points count up to this height (CLIPort's zone_bounds z max).
    public static let zoneMaxZ = 0.3

    public static func instruction(blockColor: String, squareColor: String) -> String {
        "push the pile of \(blockColor) blocks into the \(squareColor) square"
    }

    public func reset(split: Split, rng: inout SeededGenerator) throws -> TaskEpisode {
        var placer = FreeSpacePlacer()
        let zoneSize: Double
        var zones: [(pose: Pose, color: NamedColor)] = []
        let blockColor: NamedColor
        let instruction: String
        let target: Int
        if let colors {
            zoneSize = Self.separatingZoneSize
            let picked = rng.sample(colors.colors(for: split), count: 3)
            let shape = zoneShape(zoneSize)
            let first = try placer.place(shape, name: "zone0", rng: &rng)
            var second: Pose?
            for _ in 0..<Self.zoneAttempts {
                guard let p = placer.randomPose(for: shape, rng: &rng) else { break }
                let d = p.position - first.position
                if (d * d).sum().squareRoot() >= Self.zoneSeparation { second = p; break }
            }
            guard let second else { throw SimError.noFreeSpace(object: "zone1", placed: 1) }
            zones = [(first, picked[0]), (second, picked[1])]
            target = rng.integer(in: 0...1)
            blockColor = picked[2]
            instruction = Self.instruction(blockColor: picked[2].name, squareColor: picked[target].name)
        } else {
            zoneSize = Self.sweepingZoneSize
            let pose = try placer.place(zoneShape(zoneSize), name: "zone0", rng: &rng)
            zones = [(pose, Self.sweepingZoneColor)]
            target = 0
            blockColor = Self.sweepingBlockColor
            instruction = "push the pile of blocks into the green square"
        }
        for (i, zone) in zones.enumerated() {
            placer.add(SceneObject(name: "zone\(i)", shape: zoneShape(Self.drawnZoneSize), color: zone.color, mass: 0.1, pose: zone.pose, isFixed: true))
        }
        var scene = placer.scene
        scene.endEffector = .spatula
        scene.solver = .conjugateGradient
        let x0 = Workspace.task.xRange.lowerBound + 0.15, y0 = Workspace.task.yRange.lowerBound + 0.4
        var blocks: [Int] = []
        for i in 0..<Self.blockCount {
            let x = x0 + rng.uniform() * 0.2, y = y0 + rng.uniform() * 0.2
            let yaw = rng.uniform() * 2 * .pi
            blocks.append(scene.objects.count)
            scene.objects.append(SceneObject(name: "block\(i)", shape: .box(size: SIMD3(repeating: Self.blockSize)), color: blockColor,
                                             mass: Self.blockMass, pose: Pose(position: SIMD3(x, y, Self.blockSize), rotation: Quaternion(yaw: yaw))))
        }
        let zonePose = zones[target].pose
        let goal = Goal(objects: blocks, symmetries: blocks.map { _ in 0 }, matches: blocks.map { _ in [true] }, targets: [zonePose],
                        replace: true, rotations: false,
                        metric: .zone(points: blocks.map { _ in [Self.blockPoint] },
                                      zones: [Goal.ZoneRegion(pose: zonePose, size: SIMD3(zoneSize, zoneSize, 0))], maxZ: Self.zoneMaxZ),
                        maxReward: 1, instruction: instruction)
        return TaskEpisode(scene: scene, goals: [goal], maxSteps: Self.maxSteps)
    }

    /// A zone outline of side `size` (the metric's size for placement, `drawnZoneSize` for drawing).
    private func zoneShape(_ size: Double) -> ObjectShape {
        .squareOutline(side: size, lineWidth: Self.zoneLineWidth, openSide: false)
    }
}
