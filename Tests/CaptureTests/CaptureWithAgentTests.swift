@testable import Capture
import Dataset
import Foundation
import Geometry
import Recorder
import Sim
import Trainer
import XCTest

/// The capture tool with the trainer: a checkpoint's agent proposes actions on the live view, and the
/// episodes an operator records train with `Trainer` alongside simulated ones.
final class CaptureWithAgentTests: XCTestCase {
    final class Proposer: ActionProposer {
        let agent: Agent
        init(agent: Agent) { self.agent = agent }
        func propose(observation: ObservationRecord, instruction: String) throws -> ClickedAction {
            let p = try agent.proposal(heightmap: observation.heightmap, instruction: instruction)
            return ClickedAction(pick: p.pick, place: p.place, rotationBin: p.rotationBin)
        }
    }

    func testAgentProposalsAreShownAndCapturedEpisodesTrainWithSimulatedOnes() throws {
        let root = NSTemporaryDirectory() + "cliport-capture-agent-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        // Simulated demos (MuJoCo, the oracle) and a one-step agent trained on them.
        var generator = DemoGenerator(options: .init(task: "put-block-in-bowl-seen-colors", split: .train, count: 2, out: root + "/sim"))
        generator.showProgress = false
        let simulated = try generator.run().dataset
        let small = { (data: [String], steps: Int) in
            TrainingConfiguration(model: .transporterLang, data: data, steps: steps, width: 1.0 / 8, rotations: 4, cropSize: 16,
                                  saveSteps: [], validationSamples: 0, lossReduction: .mean)
        }
        let trainer = try Trainer(configuration: small([simulated], 1), run: TrainingRun(path: root + "/run-sim"))
        trainer.log = { _ in }; trainer.showsProgress = false
        try trainer.train()
        let agent = try Agent(checkpoint: root + "/run-sim/checkpoints/last.hdf5")

        // Capture with the agent's proposals drawn: the state carries the agent's action on the current view.
        let out = root + "/captured"
        let setup = CaptureSetup(source: .sim, robot: .sim, out: out, makeProposer: { Proposer(agent: agent) })
        let service = try CaptureService(makeSession: setup.makeSession)
        defer { service.shutdown() }
        let state = service.state
        let proposal = try XCTUnwrap(state.proposal, "a proposal is drawn on the first view")
        let expected = try service.performBlocking { session in
            try agent.proposal(heightmap: session.current!.heightmap, instruction: state.instructionSuggestions.first ?? "")
        }
        XCTAssertEqual(proposal.pick, expected.pick)
        XCTAssertEqual(proposal.place, expected.place)
        XCTAssertEqual(proposal.rotationBin, expected.rotationBin)
        XCTAssertTrue((0..<36).contains(proposal.rotationBin))

        // The operator records one step and ends the episode.
        let block = state.objects.first { $0.name == "block0" }!, bowl = state.objects.first { $0.name == "bowl0" }!
        let click = ClickedAction(pick: Pixel(row: block.row, col: block.col), place: Pixel(row: bowl.row, col: bowl.col), rotationBin: 0)
        _ = try service.performBlocking { session in
            try session.record(click, view: session.view, instruction: "put the red blocks in a green bowl")
        }
        // The scene (seed 0) has a second block, and only successful episodes are saved.
        let after = service.state
        let block1 = after.objects.first { $0.name == "block1" }!, bowl1 = after.objects.first { $0.name == "bowl1" }!
        let click2 = ClickedAction(pick: Pixel(row: block1.row, col: block1.col), place: Pixel(row: bowl1.row, col: bowl1.col), rotationBin: 0)
        _ = try service.performBlocking { session in
            try session.record(click2, view: session.view, instruction: "put the red blocks in a green bowl")
        }
        _ = try service.performBlocking { try $0.endEpisode() }
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/episode-000000.hdf5"))

        // Captured and simulated episodes train together; the captured step is what the loader serves.
        let captured = try TaskDataset(path: out)
        XCTAssertEqual(captured.episodes.map(\.numSteps), [2])
        let both = try Trainer(configuration: small([out, simulated], 2), run: TrainingRun(path: root + "/run-both"))
        both.log = { _ in }; both.showsProgress = false
        let summary = try both.train()
        XCTAssertEqual(summary.finalStep, 2)
        XCTAssertTrue(summary.lastLoss.isFinite)
        var loaderConfiguration = LoaderConfiguration(mode: .validation, batchSize: 1, workers: 1, augment: false)
        loaderConfiguration.prefetchBatches = 1
        let loader = try Loader(path: out, configuration: loaderConfiguration)
        let sample = try XCTUnwrap(try loader.next())
        XCTAssertEqual(sample.picks, [click.pick])
        XCTAssertEqual(sample.places, [click.place])
        XCTAssertEqual(sample.instructions, ["put the red blocks in a green bowl"])
        let second = try XCTUnwrap(try loader.next())
        XCTAssertEqual(second.picks, [click2.pick])
        XCTAssertEqual(second.places, [click2.place])
    }
}
