import Geometry

/// The scene of the bowls-and-blocks tasks (`put-block-in-bowl-*`, `place-red-in-green`): fixed bowls in one
/// colour, blocks in another, then distractor blocks and bowls; one goal puts every block in any of the bowls
/// within 5 cm (1/n_blocks each).
enum BowlsAndBlocksScene {
    static let blockMass = 0.01
    static let bowlMass = 0.1
    static let distractorCount = 6

    /// 1-3 bowls, then 1..n_bowls blocks (the tasks' first two draws).
    static func drawCounts(rng: inout SeededGenerator) -> (bowls: Int, blocks: Int) {
        let bowls = rng.integer(in: 1...3)
        return (bowls, rng.integer(in: 1...bowls))
    }

    /// Bowls "bowl<i>" (fixed) and blocks "block<i>" at random free poses, then the goal, then up to
    /// `distractorCount` distractors, each a block or a bowl at random: distractor i takes colour i (cycling)
    /// of `distractorColors(isBlock)`, as CLIPort cycles through `utils.COLORS`. CLIPort retries a failed
    /// distractor placement forever; here a bounded number of attempts, then fewer distractors.
    static func build(bowls bowlCount: Int, blocks blockCount: Int, bowlColor: NamedColor, blockColor: NamedColor,
                      instruction: String, distractorColors: (_ isBlock: Bool) -> [NamedColor],
                      rng: inout SeededGenerator) throws -> (scene: Scene, goal: Goal) {
        var placer = FreeSpacePlacer()
        let targets = try (0..<bowlCount).map { i in
            try placer.addAtFreePose("bowl\(i)", shape: .bowl, color: bowlColor, mass: bowlMass, isFixed: true, rng: &rng).pose
        }
        let blocks = try (0..<blockCount).map { i in
            try placer.addAtFreePose("block\(i)", shape: .block, color: blockColor, mass: blockMass, rng: &rng).index
        }
        let goal = Goal(objects: blocks, symmetries: blocks.map { _ in 0 },
                        matches: blocks.map { _ in targets.map { _ in true } }, targets: targets,
                        replace: false, rotations: true, metric: .pose, maxReward: 1,
                        instruction: instruction, positionTolerance: 0.05)

        var distractors = 0, attempts = 0
        while distractors < distractorCount, attempts < 4 * distractorCount {
            attempts += 1
            let isBlock = rng.uniform() > 0.5
            let shape: ObjectShape = isBlock ? .block : .bowl
            guard let pose = placer.randomPose(for: shape, rng: &rng) else { continue }
            let colors = distractorColors(isBlock)
            placer.add(SceneObject(name: "distractor\(distractors)-\(isBlock ? "block" : "bowl")", shape: shape,
                                   color: colors[distractors % colors.count],
                                   mass: isBlock ? blockMass : bowlMass, pose: pose))
            distractors += 1
        }
        return (placer.scene, goal)
    }
}
