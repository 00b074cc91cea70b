import Core
import Foundation
import Geometry

/// CLIPort's `align-rope` and the Ravens `manipulating-rope` (`tasks/align_rope.py`,
/// `tasks/manipulating_rope.py`): a fixed 3-sided square (drawn only) of side 0.283 m and a rope of 20
/// beads; the beads must lie along one side or diagonal of the square, bead i on the i-th of 20 evenly
/// spaced targets, in either direction (identity + anti-identity match matrix), each within 2 cm
/// (`pos_eps = 0.02`), rotations ignored; 1/20 of the reward per bead. Max 20 steps; the primitive is
/// the rope pick-place (lift 2 cm, drag).
public struct RopeTask: Task {
    public enum Kind: String, Sendable {
        /// "align the rope from {direction}", one of 4 segments between square corners.
        case align
        /// "manipulate the rope to complete the square": along the open side.
        case manipulate
    }

    public let kind: Kind

    public init(kind: Kind) { self.kind = kind }

    public var name: String { kind == .align ? "align-rope" : "manipulating-rope" }
    public var instructionTemplates: [String] {
        kind == .align ? ["align the rope from {direction}"] : ["manipulate the rope to complete the square"]
    }
    public var completedInstruction: String { kind == .align ? "done aligning the rope." : "done manipulating the rope." }
    public var primitive: MotionPrimitive { .ropePickPlace }
    public var maxStepsRule: String { "\(Self.maxSteps)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [] }

    public static let maxSteps = 20
    public static let positionTolerance = 0.02
    /// CLIPort's square template colour (pure green, not the palette's).
    public static let squareColor = NamedColor(name: "green", rgb: SIMD3(0, 255, 0))
    public static let squareLineWidth = 0.01

    /// The 4 alignments of align-rope: corner indices (a, b) and their words. Corners in the square frame:
    /// 0 (+,+), 1 (-,+), 2 (+,-), 3 (-,-), times side / 2.
    public static let directions: [(a: Int, b: Int, text: String)] = [
        (0, 1, "front left tip to front right tip"),
        (0, 2, "front right tip to back right corner"),
        (1, 3, "front left tip to back left corner"),
        (3, 2, "back right corner to back left corner"),
    ]

    public static func instruction(direction: String) -> String { "align the rope from \(direction)" }

    /// CLIPort's oracle, with one change: the rope is laid one way round. CLIPort lets each bead go to
    /// the nearer of its two targets (i or 19 - i), so beads of one rope chase both directions at once and
    /// drag each other off their targets (its own demos kept 5 of 8 episodes). Here the direction with
    /// more beads already on their targets (or, on a tie, the smaller total bead-to-target distance) is
    /// kept and the other direction's matches are dropped; then the farthest bead goes first, as in CLIPort.
    public func oracle(goal: Goal, scene: Scene, poses: [Pose], raster: TopDownRaster, workspace: Workspace,
                       rng: inout SeededGenerator) throws -> PickPlaceAction {
        let n = goal.objects.count
        func cost(reversed: Bool) -> Double {
            goal.objects.enumerated().reduce(0) { sum, e in
                let d = poses[e.element].position - goal.targets[reversed ? n - 1 - e.offset : e.offset].position
                return sum + (d.x * d.x + d.y * d.y).squareRoot()
            }
        }
        func matched(reversed: Bool) -> Int {
            goal.objects.enumerated().filter { e in
                goal.isMatch(poses[e.element], goal.targets[reversed ? n - 1 - e.offset : e.offset], symmetry: 0)
            }.count
        }
        // Keep the direction that already has more beads on their targets (so progress is never undone
        // by switching), else the cheaper one.
        let (forwardMatched, reverseMatched) = (matched(reversed: false), matched(reversed: true))
        let reversed = forwardMatched != reverseMatched ? reverseMatched > forwardMatched
            : cost(reversed: true) < cost(reversed: false)
        var oneWay = goal
        oneWay.matches = (0..<n).map { i in (0..<n).map { j in j == (reversed ? n - 1 - i : i) } }
        return try Oracle.act(goal: oneWay, scene: scene, poses: poses, raster: raster, workspace: workspace, rng: &rng)
    }

    public func reset(split: Split, rng: inout SeededGenerator) throws -> TaskEpisode {
        let side = Rope.squareSide
        var placer = FreeSpacePlacer()
        let squareShape = ObjectShape.squareOutline(side: side, lineWidth: Self.squareLineWidth, openSide: true)
        let squarePose = try placer.addAtFreePose("square", shape: squareShape, color: Self.squareColor, mass: 0.1,
                                                  isFixed: true, rng: &rng).pose
        let h = side / 2
        let corners = [SIMD3(h, h, 0.001), SIMD3(-h, h, 0.001), SIMD3(h, -h, 0.001), SIMD3(-h, -h, 0.001)].map { squarePose.transform($0) }

        let (a, b, instruction): (Int, Int, String)
        switch kind {
        case .align:
            let d = Self.directions[rng.integer(in: 0...(Self.directions.count - 1))]
            (a, b, instruction) = (d.a, d.b, Self.instruction(direction: d.text))
        case .manipulate:
            (a, b, instruction) = (0, 1, "manipulate the rope to complete the square")
        }
        let n = Rope.beadCount
        let increment = (corners[b] - corners[a]) / Double(n)
        let spacing = (increment * increment).sum().squareRoot()
        let start = try placer.place(.box(size: SIMD3(0.1, 0.1, 0.1)), name: "rope", rng: &rng)
        let (beads, links) = Rope.column(base: start.position, spacing: spacing, rng: &rng)
        var scene = placer.scene
        let first = scene.objects.count
        scene.objects += beads
        scene.links = links
        let objects = Array(first..<(first + n))
        let targets = (0..<n).map { Pose(position: corners[a] + Double($0) * increment + increment / 2) }
        let matches = (0..<n).map { i in (0..<n).map { j in j == i || j == n - 1 - i } }
        let goal = Goal(objects: objects, symmetries: objects.map { _ in 0 }, matches: matches, targets: targets,
                        replace: false, rotations: false, metric: .pose, maxReward: 1, instruction: instruction,
                        positionTolerance: Self.positionTolerance)
        return TaskEpisode(scene: scene, goals: [goal], maxSteps: Self.maxSteps)
    }
}
