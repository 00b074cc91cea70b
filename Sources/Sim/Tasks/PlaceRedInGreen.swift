import Core
import Geometry

/// Ravens' `place-red-in-green` (`tasks/place_red_in_green.py`): 1-3 fixed green bowls, 1..n_bowls red
/// blocks, 6 distractors (blocks in any colour but red, bowls in any colour but green, cycling through
/// `utils.COLORS` order); "put the red blocks in a green bowl"; any red block in any green bowl within 5 cm
/// earns 1/n_blocks; max steps 10.
public struct PlaceRedInGreen: Task {
    public init() {}

    public var name: String { "place-red-in-green" }
    public var instructionTemplates: [String] { [Self.instruction] }
    public var completedInstruction: String { "done placing blocks in bowls." }

    public static let instruction = "put the red blocks in a green bowl"
    public static let maxSteps = 10
    public static let distractorCount = 6

    public func reset(split: Split, rng: inout SeededGenerator) throws -> TaskEpisode {
        let bowlCount = rng.integer(in: 1...3)
        let blockCount = rng.integer(in: 1...bowlCount)
        var placer = FreeSpacePlacer()
        var targets: [Pose] = []
        for i in 0..<bowlCount {
            let name = "bowl\(i)"
            guard let pose = placer.randomPose(for: .bowl, rng: &rng) else {
                throw SimError.noFreeSpace(object: name, placed: placer.scene.objects.count)
            }
            placer.add(SceneObject(name: name, shape: .bowl, color: .green, mass: PutBlockInBowl.bowlMass, pose: pose, isFixed: true))
            targets.append(pose)
        }
        var blocks: [Int] = []
        for i in 0..<blockCount {
            let name = "block\(i)"
            guard let pose = placer.randomPose(for: .block, rng: &rng) else {
                throw SimError.noFreeSpace(object: name, placed: placer.scene.objects.count)
            }
            blocks.append(placer.scene.objects.count)
            placer.add(SceneObject(name: name, shape: .block, color: .red, mass: PutBlockInBowl.blockMass, pose: pose))
        }
        let goal = Goal(objects: blocks, symmetries: blocks.map { _ in 0 },
                        matches: blocks.map { _ in targets.map { _ in true } }, targets: targets,
                        replace: false, rotations: true, metric: .pose, maxReward: 1,
                        instruction: Self.instruction, positionTolerance: 0.05)

        let bowlColors = NamedColor.all.filter { $0 != .green }
        let blockColors = NamedColor.all.filter { $0 != .red }
        // CLIPort retries a failed placement forever; here a bounded number of attempts, then fewer distractors.
        var distractors = 0, attempts = 0
        while distractors < Self.distractorCount, attempts < 4 * Self.distractorCount {
            attempts += 1
            let isBlock = rng.uniform() > 0.5
            let shape: ObjectShape = isBlock ? .block : .bowl
            guard let pose = placer.randomPose(for: shape, rng: &rng) else { continue }
            let colors = isBlock ? blockColors : bowlColors
            placer.add(SceneObject(name: "distractor\(distractors)-\(isBlock ? "block" : "bowl")", shape: shape,
                                   color: colors[distractors % colors.count],
                                   mass: isBlock ? PutBlockInBowl.blockMass : PutBlockInBowl.bowlMass, pose: pose))
            distractors += 1
        }
        return TaskEpisode(scene: placer.scene, goals: [goal], maxSteps: Self.maxSteps)
    }
}
