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

    public var maxStepsRule: String { "\(Self.maxSteps)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [] }

    public static let instruction = "put the red blocks in a green bowl"
    public static let maxSteps = 10

    public func reset(split: Split, rng: inout SeededGenerator) throws -> TaskEpisode {
        let counts = BowlsAndBlocksScene.drawCounts(rng: &rng)
        let bowlColors = NamedColor.all.filter { $0 != .green }
        let blockColors = NamedColor.all.filter { $0 != .red }
        let (scene, goal) = try BowlsAndBlocksScene.build(
            bowls: counts.bowls, blocks: counts.blocks, bowlColor: .green, blockColor: .red, instruction: Self.instruction,
            distractorColors: { isBlock in isBlock ? blockColors : bowlColors }, rng: &rng)
        return TaskEpisode(scene: scene, goals: [goal], maxSteps: Self.maxSteps)
    }
}
