import Model

/// What a model needs besides its trained weights, built from a run's configuration: the frozen CLIP
/// visual trunk (the agents with a CLIP stream) and the sentence encoder (language-conditioned models). CLIP's weights and
/// vocabulary come from the files the configuration names; nothing is downloaded.
public struct FrozenComponents {
    public var clip: CLIPVisualTrunk?
    public var encoder: InstructionEncoder?

    /// `clip` and `encoder` when given (tests, benchmarks), the configuration's files for what is missing.
    public static func resolve(for c: TrainingConfiguration, clip: CLIPVisualTrunk?, encoder: InstructionEncoder?) throws -> FrozenComponents {
        var result = FrozenComponents(clip: clip, encoder: encoder)
        if (c.model.needsCLIPVisualTrunk && clip == nil) || (c.model.isLanguageConditioned && encoder == nil) {
            let loaded = try load(for: c)
            result.clip = clip ?? loaded.clip
            result.encoder = encoder ?? loaded.encoder
        }
        if !c.model.isLanguageConditioned { result.encoder = nil }
        return result
    }

    public static func load(for c: TrainingConfiguration) throws -> FrozenComponents {
        let needsCLIPWeights = c.model.needsCLIPVisualTrunk || (c.model.isLanguageConditioned && c.textEncoder == .clip)
        var weights: CLIPWeights?
        if needsCLIPWeights {
            guard let path = c.clipWeights else { throw TrainerError.clipWeightsRequired }
            weights = try CLIPWeights.load(path: path)
        }
        var result = FrozenComponents()
        if c.model.needsCLIPVisualTrunk { result.clip = try weights!.visualTrunk() }
        if c.model.isLanguageConditioned {
            switch c.textEncoder {
            case .clip:
                result.encoder = try CLIPInstructionEncoder(weights: weights!, vocabularyPath: c.clipVocabulary ?? CLIPTokenizer.defaultVocabularyPath)
            case .hashedNgrams:
                result.encoder = HashedInstructionEncoder()
            }
        }
        return result
    }
}
