/// The decoders a semantic stream can have (CLIPort's `models.names` over the CLIP trunk).
public enum SemanticDecoderKind: Sendable, Equatable {
    /// `clip_unet`, `clip_lingunet`, `clip_unet_lat`, `clip_lingunet_lat`, `clip_film_lingunet_lat`.
    case unet(language: LanguageFusion, laterals: Bool)
    /// `clip_woskip`.
    case withoutSkips

    public var usesLanguage: Bool {
        if case .unet(let language, _) = self { return language != .none }
        return false
    }

    public var usesLaterals: Bool {
        if case .unet(_, let laterals) = self { return laterals }
        return false
    }

    func make<G: RandomNumberGenerator>(trunkChannels: [Int], lateralChannels: [Int]?, textDimension: Int, textProjection: Int? = nil,
                                        outputChannels: Int, width: Double, using g: inout G) -> SemanticDecoder {
        switch self {
        case .unet(let language, _):
            return CLIPUNetDecoder(trunkChannels: trunkChannels, lateralChannels: lateralChannels, language: language,
                                   textDimension: textDimension, textProjection: textProjection, outputChannels: outputChannels,
                                   width: width, using: &g)
        case .withoutSkips:
            return CLIPDecoderWithoutSkips(trunkChannels: trunkChannels, outputChannels: outputChannels, width: width, using: &g)
        }
    }
}

extension TransporterAgentNetworks {
    /// CLIPort's two-stream agents: pick = spatial + semantic added (1 channel), key and query = the
    /// two fused by a 1x1 convolution (3 channels). The spatial stream is ResNet45 when the decoder
    /// reads laterals, ResNet43 otherwise; one frozen trunk (CLIP's, or ImageNet's for RN50-BERT) serves
    /// all three networks.
    /// `textProjection`: CLIPort's trainable `text_fc` before the language sites (1024 for DistilBERT's feature).
    public static func twoStream(clip: VisualTrunk, decoder: SemanticDecoderKind, textDimension: Int = 1024, textProjection: Int? = nil,
                                 width: Double = 1, rotations: Int = 36, cropSize: Int = 64, seed: UInt64 = 0) -> TransporterAgentNetworks {
        var g = SplitMix64(seed: seed)
        func stream(_ out: Int, _ fusion: TwoStreamNetwork.Fusion) -> TwoStreamNetwork {
            let spatial: Layer
            var laterals: [Int]?
            if decoder.usesLaterals {
                let resnet = ResNet45(inputChannels: 6, outputChannels: out, width: width, using: &g)
                laterals = resnet.lateralChannels
                spatial = resnet
            } else {
                spatial = ResNet43(inputChannels: 6, outputChannels: out, width: width, using: &g)
            }
            let semantic = decoder.make(trunkChannels: clip.layerChannels, lateralChannels: laterals, textDimension: textDimension,
                                        textProjection: textProjection, outputChannels: out, width: width, using: &g)
            return TwoStreamNetwork(spatial: spatial, semantic: SemanticStream(trunk: clip, decoder: semantic), outputChannels: out,
                                    fusion: fusion, using: &g)
        }
        let pick = stream(1, .add), key = stream(3, .convolution), query = stream(3, .convolution)
        return TransporterAgentNetworks(
            attention: AttentionModule(network: pick, rotations: 1),
            transport: TransportModule(keyNetwork: key, queryNetwork: query, rotations: rotations, cropSize: cropSize))
    }

    /// CLIPort's one-stream CLIP agents (`clip_unet_transporter`, `clip_lingunet_transporter`): the
    /// frozen CLIP trunk and a U-Net decoder without laterals for the pick (1 channel), key and query (3).
    public static func clipOnly(clip: CLIPVisualTrunk, language: LanguageFusion, textDimension: Int = 1024, width: Double = 1,
                                rotations: Int = 36, cropSize: Int = 64, seed: UInt64 = 0) -> TransporterAgentNetworks {
        var g = SplitMix64(seed: seed)
        func stream(_ out: Int) -> SemanticStream {
            SemanticStream(trunk: clip, decoder: CLIPUNetDecoder(trunkChannels: clip.layerChannels, lateralChannels: nil, language: language,
                                                                textDimension: textDimension, outputChannels: out, width: width, using: &g))
        }
        let pick = stream(1), key = stream(3), query = stream(3)
        return TransporterAgentNetworks(
            attention: AttentionModule(network: pick, rotations: 1),
            transport: TransportModule(keyNetwork: key, queryNetwork: query, rotations: rotations, cropSize: cropSize))
    }

    /// CLIPort's `image_goal_transporter`: ResNet43 on observation ⊙ goal for the pick; key = ResNet43 +
    /// goal ResNet43 on the padded images, query = ResNet43 + the same goal network on the crops. Its
    /// input stacks observation and goal image as 12 channels.
    public static func imageGoal(width: Double = 1, rotations: Int = 36, cropSize: Int = 64, seed: UInt64 = 0) -> TransporterAgentNetworks {
        var g = SplitMix64(seed: seed)
        let pick = ResNet43(inputChannels: 6, outputChannels: 1, width: width, using: &g)
        let key = ResNet43(inputChannels: 6, outputChannels: 3, width: width, using: &g)
        let query = ResNet43(inputChannels: 6, outputChannels: 3, width: width, using: &g)
        let goal = ResNet43(inputChannels: 6, outputChannels: 3, width: width, using: &g)
        var twinGenerator = SplitMix64(seed: seed ^ 0x601A)   // its weights are overwritten from `goal` before use
        let goalTwin = ResNet43(inputChannels: 6, outputChannels: 3, width: width, using: &twinGenerator)
        let keyStream = GoalSumStream(network: key, goalNetwork: goal)
        let queryStream = GoalSumStream(network: query, goalNetwork: goalTwin, tiedTo: keyStream)
        return TransporterAgentNetworks(
            attention: AttentionModule(network: GoalProductStream(pick), rotations: 1),
            transport: TransportModule(keyNetwork: keyStream, queryNetwork: queryStream, rotations: rotations, cropSize: cropSize))
    }
}
