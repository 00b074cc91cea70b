import Core
import Foundation
import Geometry
import Sim
import XCTest

final class PutBlockInBowlTests: XCTestCase {
    static let env = Result { try Environment() }

    func testSplitSeedsFollowCLIPort() {
        XCTAssertEqual((0..<3).map { Split.train.seed(episode: $0) }, [0, 2, 4])
        XCTAssertEqual((0..<3).map { Split.val.seed(episode: $0) }, [1, 3, 5])
        XCTAssertEqual((0..<3).map { Split.test.seed(episode: $0) }, [10001, 10003, 10005])
    }

    func testRegistryNamesTasksAndListsThemForUnknownNames() throws {
        XCTAssertEqual(try TaskRegistry.task(named: "put-block-in-bowl-unseen-colors").name, "put-block-in-bowl-unseen-colors")
        XCTAssertThrowsError(try TaskRegistry.task(named: "stack-everything")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("stack-everything"))
            for name in ["put-block-in-bowl-seen-colors", "put-block-in-bowl-unseen-colors", "put-block-in-bowl-full"] {
                XCTAssertTrue(text.contains(name), text)
            }
        }
    }

    func testColourListsMatchCLIPort() {
        XCTAssertEqual(NamedColor.trainColors.map(\.name), ["blue", "red", "green", "yellow", "brown", "gray", "cyan"])
        XCTAssertEqual(NamedColor.evalColors.map(\.name), ["blue", "red", "green", "orange", "purple", "pink", "white"])
        XCTAssertEqual(ColorVariant.seen.colors(for: .test), NamedColor.trainColors)
        XCTAssertEqual(ColorVariant.unseen.colors(for: .train), NamedColor.trainColors)
        XCTAssertEqual(ColorVariant.unseen.colors(for: .val), NamedColor.evalColors)
        XCTAssertEqual(Set(ColorVariant.full.colors(for: .train).map(\.name)), Set(NamedColor.all.map(\.name)))
    }

    /// Scenes per CLIPort's rules: 1-3 fixed bowls, 1..n_bowls blocks, the instruction from the template
    /// with the block and bowl colours, colours from the split's list, 6 distractors in other colours.
    func testEpisodesFollowTheRules() throws {
        let pattern = try NSRegularExpression(pattern: "^put the ([a-z]+) blocks in a ([a-z]+) bowl$")
        for (variant, split, allowed) in [(ColorVariant.seen, Split.train, NamedColor.trainColors),
                                          (.unseen, .val, NamedColor.evalColors), (.unseen, .test, NamedColor.evalColors),
                                          (.unseen, .train, NamedColor.trainColors)] {
            for seed in 0..<8 {
                var rng = SeededGenerator(seed: seed)
                let episode = try PutBlockInBowl(colors: variant).reset(split: split, rng: &rng)
                let goal = try XCTUnwrap(episode.goals.first)
                let text = goal.instruction
                let m = try XCTUnwrap(pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), text)
                let pick = String(text[Range(m.range(at: 1), in: text)!]), place = String(text[Range(m.range(at: 2), in: text)!])
                XCTAssertNotEqual(pick, place)
                XCTAssertTrue(allowed.contains { $0.name == pick } && allowed.contains { $0.name == place }, "\(variant) \(split): \(text)")
                let bowls = episode.scene.objects.filter { $0.name.hasPrefix("bowl") }
                let blocks = episode.scene.objects.filter { $0.name.hasPrefix("block") }
                XCTAssertTrue((1...3).contains(bowls.count))
                XCTAssertTrue((1...bowls.count).contains(blocks.count))
                XCTAssertEqual(episode.maxSteps, blocks.count + 1)
                XCTAssertTrue(bowls.allSatisfy { $0.isFixed && $0.color.name == place && $0.pose.position.z == 0 })
                XCTAssertTrue(blocks.allSatisfy { !$0.isFixed && $0.color.name == pick && $0.pose.position.z == 0.02 })
                let distractors = episode.scene.objects.filter { $0.name.hasPrefix("distractor") }
                XCTAssertEqual(distractors.count, 6)
                XCTAssertTrue(distractors.allSatisfy { $0.color.name != pick && $0.color.name != place })
                XCTAssertEqual(goal.objects.count, blocks.count)
                XCTAssertEqual(goal.targets.count, bowls.count)
                XCTAssertEqual(goal.positionTolerance, 0.05)
                for o in episode.scene.objects {
                    XCTAssertTrue(Workspace.task.contains(SIMD3(o.pose.position.x, o.pose.position.y, 0)), o.name)
                }
            }
        }
    }

    /// Pose reward with partial credit: 1 of 2 blocks in a bowl is 0.5, both are 1 and pop the goal.
    func testPartialCreditAndGoalPopping() {
        let bowl = Pose(position: SIMD3(0.5, 0, 0))
        let goal = Goal(objects: [0, 1], symmetries: [0, 0], matches: [[true], [true]], targets: [bowl],
                        replace: false, rotations: true, metric: .pose, maxReward: 1,
                        instruction: "put the red blocks in a green bowl", positionTolerance: 0.05)
        var progress = TaskProgress(goals: [goal], completedInstruction: "done placing blocks in bowls.")
        let far = Pose(position: SIMD3(0.3, 0.3, 0.02))
        XCTAssertEqual(progress.reward(poses: [far, far]), 0)
        XCTAssertEqual(progress.reward(poses: [Pose(position: SIMD3(0.52, 0.03, 0.02)), far]), 0.5, accuracy: 1e-12)
        XCTAssertFalse(progress.done)
        XCTAssertEqual(progress.instruction, "put the red blocks in a green bowl")
        XCTAssertEqual(progress.reward(poses: [Pose(position: SIMD3(0.52, 0.03, 0.02)), Pose(position: SIMD3(0.49, -0.02, 0.06))]), 0.5, accuracy: 1e-12)
        XCTAssertEqual(progress.total, 1, accuracy: 1e-12)
        XCTAssertTrue(progress.done)
        XCTAssertEqual(progress.instruction, "done placing blocks in bowls.")
        // 5 cm is exclusive.
        XCTAssertFalse(goal.isMatch(Pose(position: SIMD3(0.55, 0, 0)), bowl, symmetry: 0))
    }

    /// The oracle solves the first train seeds, and the observation carries three camera frames.
    func testOracleSolvesFirstSeeds() throws {
        let env = try Self.env.get()
        let task = PutBlockInBowl(colors: .seen)
        for episode in 0..<4 {
            let seed = Split.train.seed(episode: episode)
            let obs = try env.reset(task: task, seed: seed, split: .train)
            XCTAssertEqual(obs.frames.count, 3)
            XCTAssertTrue(obs.instruction.hasPrefix("put the "))
            var last: StepResult?
            while let action = try env.oracleAction() {
                XCTAssertEqual(action.pick.rotation, .identity)
                last = try env.step(action)
                if last!.done { break }
            }
            XCTAssertGreaterThan(env.totalReward, 0.99, "seed \(seed)")
            XCTAssertEqual(last?.observation.instruction, "done placing blocks in bowls.")
            XCTAssertTrue(env.mjcf?.contains("<mujoco") ?? false)
        }
    }

    /// One seed fixes the episode: same poses and byte-identical images.
    func testSameSeedGivesIdenticalEpisode() throws {
        let env = try Self.env.get()
        let task = PutBlockInBowl(colors: .unseen)
        func run() throws -> [Observation] {
            var observations = [try env.reset(task: task, seed: 3, split: .val)]
            while let action = try env.oracleAction() {
                let r = try env.step(action)
                observations.append(r.observation)
                if r.done { break }
            }
            return observations
        }
        let a = try run(), b = try run()
        XCTAssertEqual(a.count, b.count)
        XCTAssertEqual(a.map(\.objects), b.map(\.objects))
        XCTAssertTrue(a == b, "same seed gave different images")
    }

    /// A full table gives no pose instead of looping.
    func testPlacementOnAFullTableReturnsNil() {
        var placer = FreeSpacePlacer()
        var rng = SeededGenerator(seed: 1)
        var placed = 0
        while let pose = placer.randomPose(for: .bowl, rng: &rng) {
            placer.add(SceneObject(name: "bowl\(placed)", shape: .bowl, color: .green, mass: 0.1, pose: pose, isFixed: true))
            placed += 1
            XCTAssertLessThan(placed, 60, "the table cannot hold this many bowls")
            if placed >= 60 { break }
        }
        XCTAssertGreaterThan(placed, 5)
    }

    /// `place` and `addAtFreePose` draw the same pose as `randomPose` from the same generator state, and on a
    /// full table `place` throws `noFreeSpace` naming the object and how many were placed.
    func testPlaceThrowsNoFreeSpaceOnAFullTable() throws {
        var placer = FreeSpacePlacer()
        var rng = SeededGenerator(seed: 1)
        var copy = rng
        let expected = try XCTUnwrap(placer.randomPose(for: .bowl, rng: &copy))
        XCTAssertEqual(try placer.place(.bowl, name: "bowl0", rng: &rng), expected)
        rng = SeededGenerator(seed: 1)
        let added = try placer.addAtFreePose("bowl0", shape: .bowl, color: .green, mass: 0.1, isFixed: true, rng: &rng)
        XCTAssertEqual(added.index, 0)
        XCTAssertEqual(added.pose, expected)
        XCTAssertEqual(placer.scene.objects, [SceneObject(name: "bowl0", shape: .bowl, color: .green, mass: 0.1, pose: expected, isFixed: true)])
        while placer.scene.objects.count < 60, let pose = placer.randomPose(for: .bowl, rng: &rng) {
            placer.add(SceneObject(name: "bowl\(placer.scene.objects.count)", shape: .bowl, color: .green, mass: 0.1, pose: pose))
        }
        let placed = placer.scene.objects.count
        XCTAssertLessThan(placed, 60, "the table cannot hold this many bowls")
        XCTAssertThrowsError(try placer.place(.bowl, name: "bowl-extra", rng: &rng)) { error in
            XCTAssertEqual(error as? SimError, .noFreeSpace(object: "bowl-extra", placed: placed))
        }
    }

    /// A step that ends the episode at the step limit without success says so in its typed `failure`; the
    /// steps before it carry none.
    func testStepLimitEndsTheEpisodeWithATypedFailure() throws {
        let env = try Self.env.get()
        _ = try env.reset(task: PutBlockInBowl(colors: .seen), seed: 0, split: .train)
        // Suction over the empty front-left corner of the workspace picks nothing.
        let nothing = Pose(position: SIMD3(0.3, -0.45, 0.001))
        var results: [StepResult] = []
        while !env.done { results.append(try env.step(PickPlaceAction(pick: nothing, place: nothing))) }
        XCTAssertEqual(results.count, env.maxSteps)
        XCTAssertEqual(results.dropLast().map(\.failure), Array(repeating: nil, count: env.maxSteps - 1))
        XCTAssertEqual(results.last?.failure, .stepLimit(steps: env.maxSteps, maxSteps: env.maxSteps, totalReward: 0))
        XCTAssertEqual(results.last?.failure?.description,
                       "step limit reached: \(env.maxSteps) of \(env.maxSteps) steps with total reward 0.000")
        let ending = try XCTUnwrap(results.last?.failure)
        XCTAssertEqual(try JSONDecoder().decode(EpisodeEnding.self, from: try JSONEncoder().encode(ending)), ending)
    }
}
