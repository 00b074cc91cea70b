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

    public var maxStepsRule: String { "n_blocks + 1 (2-4)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [.colors(colors, split)] }

    public static func instruction(pick: String, place: String) -> String {
        "put the \(pick) blocks in a \(place) bowl"
    }

    public func reset(split: Split, rng: inout SeededGenerator) throws -> TaskEpisode {
        let counts = BowlsAndBlocksScene.drawCounts(rng: &rng)
        let selected = rng.sample(colors.colors(for: split), count: 2)
        let (blockColor, bowlColor) = (selected[0], selected[1])
        // Distractors cycle through the other colours in utils.COLORS order, as CLIPort does.
        let others = NamedColor.all.filter { !selected.contains($0) }
        let (scene, goal) = try BowlsAndBlocksScene.build(
            bowls: counts.bowls, blocks: counts.blocks, bowlColor: bowlColor, blockColor: blockColor,
            instruction: Self.instruction(pick: blockColor.name, place: bowlColor.name),
            distractorColors: { _ in others }, rng: &rng)
        return TaskEpisode(scene: scene, goals: [goal], maxSteps: counts.blocks + 1)
    }
}
