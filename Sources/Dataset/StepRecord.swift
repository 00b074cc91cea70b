/// One step of an episode: the observation the action was chosen from, the action, the reward obtained
/// by it, whether the episode ended with it, and the instruction that was valid when it was taken.
public struct StepRecord: Equatable, Sendable {
    public var observation: ObservationRecord
    public var action: ActionRecord
    public var reward: Double
    public var done: Bool
    public var instruction: String

    public init(observation: ObservationRecord, action: ActionRecord, reward: Double, done: Bool, instruction: String) {
        self.observation = observation; self.action = action
        self.reward = reward; self.done = done; self.instruction = instruction
    }
}
