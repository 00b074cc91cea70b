import Core
import Geometry

/// CLIPort's `put-block-in-bowl-{seen-colors,unseen-colors,full}` (`tasks/put_block_in_bowl.py`):
/// 1-3 fixed bowls of one colour, 1..n_bowls blocks of another, 6 distractor blocks or bowls in the other
/// colours; "put the {pick} blocks in a {place} bowl"; any block in any target bowl within 5 cm earns
/// 1/n_blocks; max steps n_blocks + 1 (one mistake allowed).
public struct PutBlockInBowl: Task {
    public let colors: ColorVariant

    public init(colors: ColorVariant) { self.colors = colors }

    public var name: String { "put-block-in-bowl-\(colors.suffix)" }
    public var instructionTemplates: [String] { ["put the {pick} blocks in a {place} bowl"] }
    public var completedInstruction: String { "done placing blocks in bowls." }

    public static let blockMass = 0.01
    public static let bowlMass = 0.1
    public static let distractorCount = 6

    public static func instruction(pick: String, place: String) -> String {
        "put the \(pick) blocks in a \(place) bowl"
    }

    public func reset(split: Split, rng: inout SeededGenerator) throws -> TaskEpisode {
        let bowlCount = rng.integer(in: 1...3)
        let blockCount = rng.integer(in: 1...bowlCount)
        let selected = rng.sample(colors.colors(for: split), count: 2)
        let (blockColor, bowlColor) = (selected[0], selected[1])
        var placer = FreeSpacePlacer()

        var targets: [Pose] = []
        for i in 0..<bowlCount {
            let name = "bowl\(i)"
            guard let pose = placer.randomPose(for: .bowl, rng: &rng) else {
                throw SimError.noFreeSpace(object: name, placed: placer.scene.objects.count)
            }
            placer.add(SceneObject(name: name, shape: .bowl, color: bowlColor, mass: Self.bowlMass, pose: pose, isFixed: true))
            targets.append(pose)
        }
        var blocks: [Int] = []
        for i in 0..<blockCount {
            let name = "block\(i)"
            guard let pose = placer.randomPose(for: .block, rng: &rng) else {
                throw SimError.noFreeSpace(object: name, placed: placer.scene.objects.count)
            }
            blocks.append(placer.scene.objects.count)
            placer.add(SceneObject(name: name, shape: .block, color: blockColor, mass: Self.blockMass, pose: pose))
        }
        let goal = Goal(objects: blocks, symmetries: blocks.map { _ in 0 },
                        matches: blocks.map { _ in targets.map { _ in true } }, targets: targets,
                        replace: false, rotations: true, metric: .pose, maxReward: 1,
                        instruction: Self.instruction(pick: blockColor.name, place: bowlColor.name),
                        positionTolerance: 0.05)

        // Distractors cycle through the other colours in utils.COLORS order, as CLIPort does. CLIPort
        // retries a failed placement forever; here a bounded number of attempts, then fewer distractors.
        let others = NamedColor.all.filter { !selected.contains($0) }
        var distractors = 0, attempts = 0
        while distractors < Self.distractorCount, attempts < 4 * Self.distractorCount {
            attempts += 1
            let isBlock = rng.uniform() > 0.5
            let shape: ObjectShape = isBlock ? .block : .bowl
            guard let pose = placer.randomPose(for: shape, rng: &rng) else { continue }
            placer.add(SceneObject(name: "distractor\(distractors)-\(isBlock ? "block" : "bowl")", shape: shape,
                                   color: others[distractors % others.count],
                                   mass: isBlock ? Self.blockMass : Self.bowlMass, pose: pose))
            distractors += 1
        }
        return TaskEpisode(scene: placer.scene, goals: [goal], maxSteps: blockCount + 1)
    }
}
