import Core
import Foundation
import Geometry

extension CompoundShape {
    /// Ravens' `hanoi/stand.urdf`: three 12 x 12 x 1 cm plates along y (light brown at -y, brown, dark brown
    /// at +y) and a rod (radius 5 mm, 5 cm long, centre 3 cm above the frame) on each; frame at the centre
    /// of the plates.
    public static let hanoiStand = CompoundShape(
        name: "hanoi-stand",
        parts: [
            Part(.box(halfSize: SIMD3(0.06, 0.06, 0.005)), at: SIMD3(0, -0.12, 0), color: .lightBrown),
            Part(.box(halfSize: SIMD3(0.06, 0.06, 0.005))),
            Part(.box(halfSize: SIMD3(0.06, 0.06, 0.005)), at: SIMD3(0, 0.12, 0), color: .darkBrown),
        ] + TowersOfHanoiScene.rodOffsets.map { Part(.cylinder(radius: 0.005, halfHeight: 0.025), at: $0) },
        size: SIMD3(0.12, 0.36, 0.06), restingZ: 0.005, top: 0.055)

    /// Ravens' `hanoi/disk{i}.obj` (scale 0.001): rings 1 cm thick with a 15 mm inner radius and outer radius
    /// 30, 35 or 40 mm (disk 0 is the smallest). Drawn as a ring of 16 boxes; it collides through a hidden
    /// square frame of 4 boxes whose outer half side is the outer radius, so every drawn pixel (where the
    /// oracle may pick) lies over it, with few contacts when stacked and an 11 mm half-opening for the 5 mm rod.
    public static func hanoiDisk(_ i: Int) -> CompoundShape {
        let outer = TowersOfHanoiScene.diskOuterRadii[i], hh = TowersOfHanoiScene.diskThickness / 2
        let o = outer, inner = 0.011
        let bar = (o - inner) / 2, mid = (o + inner) / 2
        let frame = [
            Part(.box(halfSize: SIMD3(o, bar, hh)), at: SIMD3(0, mid, 0), visible: false),
            Part(.box(halfSize: SIMD3(o, bar, hh)), at: SIMD3(0, -mid, 0), visible: false),
            Part(.box(halfSize: SIMD3(bar, inner, hh)), at: SIMD3(mid, 0, 0), visible: false),
            Part(.box(halfSize: SIMD3(bar, inner, hh)), at: SIMD3(-mid, 0, 0), visible: false),
        ]
        let ring = annulusParts(inner: TowersOfHanoiScene.diskInnerRadius, outer: outer, halfHeight: hh).map { p -> Part in
            var p = p
            p.collides = false
            return p
        }
        return CompoundShape(name: "hanoi-disk\(i)", parts: ring + frame, size: SIMD3(2 * outer, 2 * outer, 2 * hh),
                             restingZ: hh, top: hh)
    }
}

/// The Hanoi stand, three disks stacked on the first rod, and the goals of the 7-move solution.
enum TowersOfHanoiScene {
    static let rodOffsets: [SIMD3<Double>] = [SIMD3(0, -0.12, 0.03), SIMD3(0, 0, 0.03), SIMD3(0, 0.12, 0.03)]
    static let rodNames = ["lighter brown side", "middle of the stand", "darker brown side"]
    static let diskOuterRadii = [0.03, 0.035, 0.04]
    static let diskInnerRadius = 0.015
    static let diskThickness = 0.01
    static let diskMass = 0.1
    static let diskCount = 3
    /// CLIPort's max_steps of both Hanoi tasks (the 7 moves, twice).
    static let maxSteps = 14

    /// The optimal moves [disk, from rod, to rod] moving every disk from rod 0 to rod 2 (CLIPort's recursion).
    static func solution(disks n: Int) -> [(disk: Int, from: Int, to: Int)] {
        var steps: [(Int, Int, Int)] = []
        func solve(_ n: Int, _ t0: Int, _ t1: Int, _ t2: Int) {
            if n == 0 { steps.append((n, t0, t1)); return }
            solve(n - 1, t0, t2, t1)
            steps.append((n, t0, t1))
            solve(n - 1, t2, t1, t0)
        }
        solve(n - 1, 0, 2, 1)
        return steps
    }

    /// Scene and goals; `instruction(disk, toRod)` gives each goal's text.
    static func build(colors: [NamedColor], rng: inout SeededGenerator,
                      instruction: (Int, Int) -> String) throws -> TaskEpisode {
        var placer = FreeSpacePlacer()
        let base = try placer.addAtFreePose("stand", shape: .compound(.hanoiStand), color: .brown, mass: 0.1,
                                            isFixed: true, rng: &rng).pose
        // CLIPort drops the disks from 1.5 cm spacing; here they start resting on each other on the first rod.
        var disks: [Int] = []
        let rod0 = base.transform(SIMD3(rodOffsets[0].x, rodOffsets[0].y, 0))
        for i in 0..<diskCount {
            let z = rod0.z + 0.005 + diskThickness * (Double(diskCount - 1 - i) + 0.5)
            disks.append(placer.scene.objects.count)
            placer.add(SceneObject(name: "disk\(i)", shape: .compound(.hanoiDisk(i)), color: colors[i], mass: diskMass,
                                   pose: Pose(position: SIMD3(rod0.x, rod0.y, z), rotation: base.rotation)))
        }
        let steps = solution(disks: diskCount)
        let goals = steps.map { step in
            Goal(objects: [disks[step.disk]], symmetries: [0], matches: [[true]],
                 targets: [Pose(position: base.transform(rodOffsets[step.to]))], replace: false, rotations: true,
                 metric: .pose, maxReward: 1 / Double(steps.count), instruction: instruction(step.disk, step.to))
        }
        return TaskEpisode(scene: placer.scene, goals: goals, maxSteps: maxSteps)
    }
}

/// CLIPort's `towers-of-hanoi-seq-{seen-colors,unseen-colors,full}`: three disks in 3 random colours of the
/// split; one goal per move of the 7-move solution (1/7 each): "move the {obj} ring to the {loc}".
public struct TowersOfHanoiSeq: Task {
    public let colors: ColorVariant
    public init(colors: ColorVariant) { self.colors = colors }

    public var name: String { "towers-of-hanoi-seq-\(colors.suffix)" }
    public var instructionTemplates: [String] { ["move the {obj} ring to the {loc}"] }
    public var completedInstruction: String { "solved towers of hanoi." }
    public var maxStepsRule: String { "\(TowersOfHanoiScene.maxSteps)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [.colors(colors, split)] }

    public func reset(split: Split, rng: inout SeededGenerator) throws -> TaskEpisode {
        let chosen = rng.sample(colors.colors(for: split), count: 3)
        return try TowersOfHanoiScene.build(colors: chosen, rng: &rng) { disk, rod in
            "move the \(chosen[disk].name) ring to the \(TowersOfHanoiScene.rodNames[rod])"
        }
    }
}

/// Ravens' `towers-of-hanoi`: disks red, yellow, green (small to large), "solve towers of hanoi" for all 7 goals.
public struct TowersOfHanoi: Task {
    public init() {}
    public var name: String { "towers-of-hanoi" }
    public var instructionTemplates: [String] { ["solve towers of hanoi"] }
    public var completedInstruction: String { "solved towers of hanoi." }
    public var maxStepsRule: String { "\(TowersOfHanoiScene.maxSteps)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [] }

    public func reset(split: Split, rng: inout SeededGenerator) throws -> TaskEpisode {
        try TowersOfHanoiScene.build(colors: [.red, .yellow, .green], rng: &rng) { _, _ in "solve towers of hanoi" }
    }
}
