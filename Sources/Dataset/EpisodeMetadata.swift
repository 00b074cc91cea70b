/// Who produced an episode.
public enum EpisodeSource: String, Codable, Sendable {
    case oracle    // the scripted expert in simulation
    case `operator` // a person clicking pick and place
}

/// Per-episode facts (the attributes of `data/demo_N`).
public struct EpisodeMetadata: Equatable, Sendable, Codable {
    public var task: String
    public var split: String
    public var seed: Int
    public var success: Bool
    public var totalReward: Double
    public var source: EpisodeSource
    /// The first instruction of the episode (per-step instructions are in `StepRecord`).
    public var instruction: String
    /// Names of the task objects, in the order of `ObservationRecord.objectPoses`.
    public var objectNames: [String]
    /// The MJCF XML of the scene, as robosuite stores `model_file` ("" if none).
    public var modelFile: String
    /// Why the episode failed; "" when it succeeded.
    public var failureReason: String

    public init(task: String, split: String, seed: Int, success: Bool, totalReward: Double, source: EpisodeSource,
                instruction: String, objectNames: [String], modelFile: String = "", failureReason: String = "") {
        self.task = task; self.split = split; self.seed = seed; self.success = success
        self.totalReward = totalReward; self.source = source; self.instruction = instruction
        self.objectNames = objectNames; self.modelFile = modelFile; self.failureReason = failureReason
    }
}
