import Capture
import Dataset
import Trainer

/// A trained agent as the capture page's proposer (`cliport capture --checkpoint`).
final class AgentActionProposer: ActionProposer {
    let agent: Agent

    init(checkpoint: String) throws {
        ComputeThreads.configure()
        agent = try Agent(checkpoint: checkpoint)
    }

    func propose(observation: ObservationRecord, instruction: String) throws -> ClickedAction {
        let p = try agent.proposal(heightmap: observation.heightmap, instruction: instruction)
        return ClickedAction(pick: p.pick, place: p.place, rotationBin: p.rotationBin)
    }
}
