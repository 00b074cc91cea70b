import Dataset
import Foundation
import Geometry
import PNG
import Sim
import SyntheticData
import TestSupport
import XCTest
@testable import Trainer

final class AgentAndEvaluationTests: XCTestCase {
    let folders = TemporaryFolders(prefix: "cliport-trainer")
    override func tearDown() { folders.removeAll() }

    /// The sentence feature has a root-mean-square of √3, is fixed across runs, and tells "red blocks in a green bowl"
    /// from "green blocks in a red bowl" (same words, other order).
    func testHashedInstructionFeatureKeepsWordOrder() {
        let encoder = HashedInstructionEncoder()
        let a = encoder.feature(for: "put the red blocks in a green bowl")
        let b = encoder.feature(for: "put the green blocks in a red bowl")
        XCTAssertEqual(a.shape, [1, 1024])
        XCTAssertEqual(a.scalars.reduce(0) { $0 + $1 * $1 } / 1024, 3, accuracy: 1e-4)
        XCTAssertNotEqual(a, b)
        XCTAssertEqual(a, HashedInstructionEncoder().feature(for: "Put the red blocks in a green bowl."))
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (the published test vector).
        XCTAssertEqual(HashedInstructionEncoder.fnv1a("a"), 0xaf63_dc4c_8601_ec8c)
    }

    /// `act` returns the argmax pixels of the two affordance maps and turns them into world poses through
    /// the heightmap (pixel corner in x and y, the pixel's height in z; place yaw from the rotation bin).
    func testActTurnsAffordanceArgmaxIntoPoses() throws {
        let workspace = TrainerFixtures.coarseWorkspace
        let networks = try AgentModel.transporterLang.makeNetworks(width: 1.0 / 8, rotations: 4, cropSize: 16, seed: 1,
                                                                   textDimension: 1024, learningRate: 1e-4, clip: nil)
        let agent = Agent(networks: networks, model: .transporterLang, encoder: HashedInstructionEncoder(), workspace: workspace)
        let map = SyntheticPickPlaceEpisodes.episode(seed: 3, workspace: workspace).steps[0].observation.heightmap
        let action = try agent.act(heightmap: map, instruction: "put the red blocks in a green bowl")
        let a = action.affordances
        XCTAssertEqual(a.pick.count, map.rows * map.cols)
        XCTAssertEqual(a.place.count, 4 * map.rows * map.cols)
        XCTAssertEqual(a.pick.reduce(0, +), 1, accuracy: 1e-3)
        XCTAssertEqual(a.pick[action.pick.row * map.cols + action.pick.col], a.pick.max())
        XCTAssertEqual(a.place[(action.rotationBin * map.rows + action.place.row) * map.cols + action.place.col], a.place.max())
        let expected = workspace.point(at: action.pick, height: Double(map.height(at: action.pick)))
        XCTAssertEqual(action.pickPose.position, expected)
        XCTAssertEqual(action.pickPose.position.x, 0.25 + Double(action.pick.col) * 0.0125, accuracy: 1e-12)
        XCTAssertEqual(action.placePose.rotation.yaw, RotationBins.placeYaw(bin: action.rotationBin, count: 4), accuracy: 1e-9)
        // The picture: three panels of the heightmap's size.
        let picture = AffordancePicture.make(heightmap: map, action: action)
        XCTAssertEqual([picture.width, picture.height], [3 * map.cols, map.rows])
    }

    /// Rollouts in MuJoCo on the val seeds (1, 3): results per checkpoint in RUN/eval, pictures of the
    /// first episode, test refused until val has picked a best checkpoint, then run on it.
    func testEvaluationRollsOutCheckpointsOnTheSplitSeeds() throws {
        let root = folders.make("eval")
        let data = try TrainerFixtures.dataset(in: root)
        // Full-size images (the simulator's heightmaps are 320 x 160); tiny channels and 4 rotations.
        let configuration = TrainingConfiguration(model: .transporter, data: [data], steps: 1, width: 1.0 / 16, rotations: 4,
                                                  cropSize: 16, seed: 2, saveSteps: [1], validationSamples: 0, lossReduction: .mean)
        let run = TrainingRun(path: root + "/run")
        try TrainerFixtures.train(configuration, in: run)
        let evaluator = Evaluator(run: run)
        evaluator.log = { _ in }
        XCTAssertThrowsError(try evaluator.evaluate(task: "block-insertion", split: .test, n: 2)) { error in
            XCTAssertTrue("\(error)".contains("--split val"), "\(error)")
        }
        let val = try evaluator.evaluate(task: "block-insertion", split: .val, n: 2, pictures: 1)
        XCTAssertEqual(val.checkpoints.map(\.checkpoint), ["steps=00001.hdf5"])
        let episodes = val.checkpoints[0].episodes
        XCTAssertEqual(episodes.map(\.seed), [1, 3])
        for e in episodes {
            XCTAssertTrue((0...1).contains(e.reward))
            XCTAssertTrue((1...3).contains(e.steps), "block-insertion allows 3 steps, took \(e.steps)")
            XCTAssertEqual(e.instruction, "put the L shape block in the L shape hole")
        }
        let stored = try JSONDecoder().decode(Evaluator.Results.self,
                                              from: Data(contentsOf: URL(fileURLWithPath: evaluator.resultsFile(task: "block-insertion", split: .val))))
        XCTAssertEqual(stored, val)
        let pictures = try FileManager.default.contentsOfDirectory(atPath: run.evalFolder + "/pictures")
        XCTAssertEqual(pictures.filter { $0.contains("-ep0-step0") }.count, 1, "\(pictures)")
        XCTAssertFalse(pictures.contains { $0.contains("-ep1-") })
        let test = try evaluator.evaluate(task: "block-insertion", split: .test, n: 1)
        XCTAssertEqual(test.checkpoints.map(\.checkpoint), ["steps=00001.hdf5"])
        XCTAssertEqual(test.checkpoints[0].episodes.map(\.seed), [10001])
    }
}

final class FrozenComponentsTests: XCTestCase {
    /// CLIPort's agent and the CLIP text encoder need imported CLIP weights; without them the message
    /// says how to import them. The weight-free models need nothing.
    func testCLIPWeightsAreRequiredOnlyWhereCLIPIsUsed() throws {
        for (model, encoder) in [(AgentModel.cliport, nil), (.transporterLang, .clip)] as [(AgentModel, InstructionEncoderKind?)] {
            let c = TrainingConfiguration(model: model, data: ["/x"], steps: 1, textEncoder: encoder)
            XCTAssertThrowsError(try FrozenComponents.load(for: c)) { error in
                XCTAssertTrue("\(error)".contains("cliport weights import"), "\(error)")
            }
        }
        let missing = TrainingConfiguration(model: .cliport, data: ["/x"], steps: 1, clipWeights: "/nonexistent/clip.hdf5")
        XCTAssertThrowsError(try FrozenComponents.load(for: missing)) { error in
            XCTAssertTrue("\(error)".contains("no CLIP weights at /nonexistent/clip.hdf5"), "\(error)")
        }
        XCTAssertEqual(TrainingConfiguration(model: .cliport, data: ["/x"], steps: 1).textEncoder, .clip)
        XCTAssertTrue(try FrozenComponents.load(for: TrainingConfiguration(model: .transporterLang, data: ["/x"], steps: 1)).encoder
                      is HashedInstructionEncoder)
        XCTAssertNil(try FrozenComponents.load(for: TrainingConfiguration(model: .transporter, data: ["/x"], steps: 1)).encoder)
    }
}
