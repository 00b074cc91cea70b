import Model

/// What a model needs besides its trained weights, built from a run's configuration: the frozen visual
/// trunk (CLIP's for the agents with a CLIP stream, ImageNet's ResNet-50 for RN50-BERT) and the sentence
/// encoder (language-conditioned models). Weights and vocabularies come from the files the
/// configuration names; nothing is downloaded.
public struct FrozenComponents {
    public var clip: CLIPVisualTrunk?
    public var imageNet: ImageNetResNetTrunk?
    public var encoder: InstructionEncoder?

    /// `clip`, `imageNet` and `encoder` when given (tests, benchmarks), the configuration's files for what is missing.
    public static func resolve(for c: TrainingConfiguration, clip: CLIPVisualTrunk?, encoder: InstructionEncoder?,
                               imageNet: ImageNetResNetTrunk? = nil) throws -> FrozenComponents {
        var result = FrozenComponents(clip: clip, imageNet: imageNet, encoder: encoder)
        if (c.model.needsCLIPVisualTrunk && clip == nil) || (c.model.isRN50BERT && imageNet == nil)
            || (c.model.isLanguageConditioned && encoder == nil) {
            let loaded = try load(for: c, skipping: (clip: clip != nil, imageNet: imageNet != nil, encoder: encoder != nil))
            result.clip = clip ?? loaded.clip
            result.imageNet = imageNet ?? loaded.imageNet
            result.encoder = encoder ?? loaded.encoder
        }
        if !c.model.isLanguageConditioned { result.encoder = nil }
        return result
    }

    public static func load(for c: TrainingConfiguration) throws -> FrozenComponents {
        try load(for: c, skipping: (false, false, false))
    }

    static func load(for c: TrainingConfiguration, skipping given: (clip: Bool, imageNet: Bool, encoder: Bool)) throws -> FrozenComponents {
        let wantsEncoder = c.model.isLanguageConditioned && !given.encoder
        let needsCLIPWeights = (c.model.needsCLIPVisualTrunk && !given.clip) || (wantsEncoder && c.textEncoder == .clip)
        var weights: CLIPWeights?
        if needsCLIPWeights {
            guard let path = c.clipWeights else { throw TrainerError.clipWeightsRequired }
            weights = try CLIPWeights.load(path: path)
        }
        var result = FrozenComponents()
        if c.model.needsCLIPVisualTrunk && !given.clip { result.clip = try weights!.visualTrunk() }
        if c.model.isRN50BERT && !given.imageNet {
            if c.model.needsImageNetWeights {
                guard let path = c.visualWeights else { throw TrainerError.visualWeightsRequired(c.model.rawValue) }
                result.imageNet = try ImageNetResNetTrunk(weights: try Safetensors.read(path))
            } else {
                var g = SplitMix64(seed: UInt64(c.seed) ^ 0x5EED_0F_7255)
                result.imageNet = try ImageNetResNetTrunk.untrained(using: &g)
            }
        }
        if wantsEncoder {
            switch c.textEncoder {
            case .clip:
                result.encoder = try CLIPInstructionEncoder(weights: weights!, vocabularyPath: c.clipVocabulary ?? CLIPTokenizer.defaultVocabularyPath)
            case .hashedNgrams:
                result.encoder = HashedInstructionEncoder()
            case .distilbert:
                guard let folder = c.textWeights else { throw TrainerError.textWeightsRequired }
                result.encoder = try DistilBERTInstructionEncoder(folder: folder)
            case .distilbertUntrained:
                guard let folder = c.textWeights else { throw TrainerError.textWeightsRequired }
                result.encoder = try DistilBERTInstructionEncoder.untrained(folder: folder, seed: UInt64(c.seed) ^ 0xB3B7)
            }
        }
        return result
    }
}
