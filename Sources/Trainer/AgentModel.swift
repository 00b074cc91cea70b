import Model

/// The agents `cliport train` can build (CLIPort's `agents.names` we follow).
public enum AgentModel: String, CaseIterable, Codable, Sendable {
    /// Transporter without language (`OriginalTransporterAgent`): ResNet43 pick and place.
    case transporter
    /// ResNet43 with the instruction multiplied into its decoder (`transporter_lang`).
    case transporterLang = "transporter-lang"
    /// CLIPort's two-stream agent: frozen CLIP RN50 and Transporter streams (needs imported CLIP weights).
    case cliport

    public var isLanguageConditioned: Bool { self != .transporter }

    public static func named(_ name: String) throws -> AgentModel {
        guard let model = AgentModel(rawValue: name) else { throw TrainerError.unknownModel(name) }
        return model
    }

    /// Freshly initialised networks (seeded, so every rank of a data-parallel job builds the same ones).
    /// `clip` is required by `.cliport` only.
    public func makeNetworks(width: Double, rotations: Int = 36, cropSize: Int = 64, seed: UInt64, textDimension: Int,
                             learningRate: Float, clip: CLIPVisualTrunk?) throws -> TransporterAgentNetworks {
        let networks: TransporterAgentNetworks
        switch self {
        case .transporter:
            networks = .transporter(width: width, rotations: rotations, cropSize: cropSize, seed: seed)
        case .transporterLang:
            networks = .transporterLang(textDimension: textDimension, width: width, rotations: rotations, cropSize: cropSize, seed: seed)
        case .cliport:
            guard let clip else { throw TrainerError.clipWeightsRequired }
            networks = .cliport(clip: clip, textDimension: textDimension, width: width, rotations: rotations, cropSize: cropSize, seed: seed)
        }
        networks.attentionOptimizer.configuration.learningRate = learningRate
        networks.transportOptimizer.configuration.learningRate = learningRate
        return networks
    }
}
