/// The settings of a training run, named as RUN/config.json names them (the library's messages use these
/// names; the command line maps them to its options).
public enum TrainingSetting: String, CaseIterable, CodingKey, Sendable {
    case model, data, group, validationData, nDemos, steps, batch, width, rotations, cropSize, seed, learningRate
    case saveSteps, lastEvery, validationSamples, augment, lossReduction, textEncoder, clipWeights, clipVocabulary, textWeights, visualWeights
    case clipBatchNorm
}

/// A setting whose value in a command differs from the run's.
public struct SettingDifference: Equatable, Sendable {
    public var setting: TrainingSetting
    /// The run's value (RUN/config.json) and the command's.
    public var stored: String
    public var requested: String

    public init(setting: TrainingSetting, stored: String, requested: String) {
        self.setting = setting; self.stored = stored; self.requested = requested
    }
}
