/// One line of `cliport agents`: CLIPort's name, ours, what the agent needs and what it is for.
public struct AgentCatalogEntry: Codable, Equatable, Sendable {
    /// What an agent needs besides a dataset.
    public enum Requirement: String, Codable, CaseIterable, Sendable {
        /// CLIP RN50 weights (`cliport weights import`, then `--clip-weights`): the frozen visual trunk.
        case clipWeights = "clip-weights"
        /// torchvision's ImageNet ResNet-50 weights (`--visual-weights`, safetensors): the RN50-BERT trunk.
        case imageNetWeights = "imagenet-weights"
        /// A sentence encoder for the instruction (`--text-encoder`: clip, or hashed-ngrams without weights).
        case textEncoder = "text-encoder"
        /// The goal observation of each step (the dataset stores it; rollouts from a seed have none).
        case goalImages = "goal-images"
    }

    /// CLIPort's `agents.names` key.
    public var cliportName: String
    /// Ours, for `train --model` (CLIPort's spelling is accepted too).
    public var name: String
    public var aliases: [String]
    public var needs: [Requirement]
    /// The sentence encoder a run uses unless told (nil: the agent reads no instruction).
    public var defaultTextEncoder: String?
    public var purpose: String

    public init(_ model: AgentModel) {
        name = model.rawValue
        cliportName = model.cliportName
        aliases = AgentModel.aliases.filter { $0.value == model }.keys.sorted().map { $0.replacingOccurrences(of: "-", with: "_") }
        var needs: [Requirement] = []
        if model.needsCLIPVisualTrunk { needs.append(.clipWeights) }
        if model.needsImageNetWeights { needs.append(.imageNetWeights) }
        if model.isLanguageConditioned { needs.append(.textEncoder) }
        if model.needsGoalImage { needs.append(.goalImages) }
        self.needs = needs
        defaultTextEncoder = model.isLanguageConditioned ? model.defaultTextEncoder.rawValue : nil
        purpose = model.purpose
    }

    /// Every agent CLIPort registers, in `AgentModel`'s order.
    public static var all: [AgentCatalogEntry] { AgentModel.allCases.map(AgentCatalogEntry.init) }
}
