import Model

/// Every agent of CLIPort's `agents.names`, by CLIPort's name with `-` for `_` (`cliport agents` lists
/// them with what each needs). `cliport` is CLIPort's own agent; CLIPort also registers it as
/// `two_stream_clip_lingunet_lat_transporter`, which `named(_:)` accepts as an alias.
public enum AgentModel: String, CaseIterable, Codable, Sendable {
    /// Transporter without language (`OriginalTransporterAgent`): ResNet43 pick and place.
    case transporter
    /// ResNet43 with the instruction multiplied into its decoder (`transporter_lang`).
    case transporterLang = "transporter-lang"
    /// CLIPort's two-stream agent: frozen CLIP RN50 and Transporter streams (needs imported CLIP weights).
    case cliport
    /// CLIPort without language (`two_stream_clip_unet_lat_transporter`).
    case twoStreamCLIPUNetLat = "two-stream-clip-unet-lat-transporter"
    /// CLIPort without lateral connections (`two_stream_clip_lingunet_transporter`).
    case twoStreamCLIPLingUNet = "two-stream-clip-lingunet-transporter"
    /// CLIPort without language and laterals (`two_stream_clip_unet_transporter`).
    case twoStreamCLIPUNet = "two-stream-clip-unet-transporter"
    /// CLIPort without language, laterals or skips (`two_stream_clip_woskip_transporter`).
    case twoStreamCLIPWithoutSkips = "two-stream-clip-woskip-transporter"
    /// CLIPort with FiLM language fusion (`two_stream_clip_film_lingunet_lat_transporter`; not in the paper).
    case twoStreamCLIPFiLMLingUNetLat = "two-stream-clip-film-lingunet-lat-transporter"
    /// CLIP-only without language (`clip_unet_transporter`).
    case clipUNet = "clip-unet-transporter"
    /// CLIP-only (`clip_lingunet_transporter`).
    case clipLingUNet = "clip-lingunet-transporter"
    /// Transporter conditioned on a goal image instead of language (`image_goal_transporter`).
    case imageGoalTransporter = "image-goal-transporter"
    /// RN50-BERT (`two_stream_full_rn50_bert_lingunet_lat_transporter`): ImageNet ResNet-50 and DistilBERT.
    case twoStreamRN50BERTLingUNetLat = "two-stream-full-rn50-bert-lingunet-lat-transporter"
    /// RN50-BERT without language (`two_stream_full_rn50_bert_unet_transporter`).
    case twoStreamRN50BERTUNet = "two-stream-full-rn50-bert-unet-transporter"
    /// RN50-BERT without laterals (`two_stream_full_rn50_bert_lingunet_transporter`).
    case twoStreamRN50BERTLingUNet = "two-stream-full-rn50-bert-lingunet-transporter"
    /// Untrained RN50-BERT (`two_stream_full_untrained_rn50_bert_lingunet_transporter`): both encoders random and frozen.
    case twoStreamUntrainedRN50BERTLingUNet = "two-stream-full-untrained-rn50-bert-lingunet-transporter"

    /// CLIPort's `agents.names` key of the agent.
    public var cliportName: String { rawValue.replacingOccurrences(of: "-", with: "_") }

    /// Other names `named(_:)` accepts: CLIPort's registers `cliport` twice.
    public static let aliases: [String: AgentModel] = ["two-stream-clip-lingunet-lat-transporter": .cliport]

    /// The model of a name: ours, an alias, or CLIPort's own spelling with `_`.
    public static func named(_ name: String) throws -> AgentModel {
        let dashed = name.replacingOccurrences(of: "_", with: "-")
        guard let model = AgentModel(rawValue: dashed) ?? aliases[dashed] else { throw TrainerError.unknownModel(name) }
        return model
    }

    /// The semantic decoder of the agents with a semantic stream (nil: none).
    var semanticDecoder: SemanticDecoderKind? {
        switch self {
        case .cliport, .twoStreamRN50BERTLingUNetLat: return .unet(language: .product, laterals: true)
        case .twoStreamRN50BERTUNet: return .unet(language: .none, laterals: false)
        case .twoStreamRN50BERTLingUNet, .twoStreamUntrainedRN50BERTLingUNet: return .unet(language: .product, laterals: false)
        case .twoStreamCLIPUNetLat: return .unet(language: .none, laterals: true)
        case .twoStreamCLIPLingUNet, .clipLingUNet: return .unet(language: .product, laterals: false)
        case .twoStreamCLIPUNet, .clipUNet: return .unet(language: .none, laterals: false)
        case .twoStreamCLIPWithoutSkips: return .withoutSkips
        case .twoStreamCLIPFiLMLingUNetLat: return .unet(language: .film, laterals: true)
        case .transporter, .transporterLang, .imageGoalTransporter:
            return nil
        }
    }

    /// The RN50-BERT agents: torchvision's ImageNet ResNet-50 in place of CLIP's, DistilBERT for text.
    public var isRN50BERT: Bool {
        [.twoStreamRN50BERTLingUNetLat, .twoStreamRN50BERTUNet, .twoStreamRN50BERTLingUNet, .twoStreamUntrainedRN50BERTLingUNet].contains(self)
    }

    /// Whether it runs the frozen CLIP RN50 visual trunk (imported CLIP weights).
    public var needsCLIPVisualTrunk: Bool { semanticDecoder != nil && !isRN50BERT }

    /// Whether it runs ImageNet weights in torchvision's ResNet-50 (`--visual-weights`); the untrained
    /// RN50-BERT builds its trunk at random from the run's seed instead.
    public var needsImageNetWeights: Bool { isRN50BERT && self != .twoStreamUntrainedRN50BERTLingUNet }

    /// Whether it reads the instruction (a sentence encoder). CLIPort's RN50-BERT U-Net loads DistilBERT
    /// but never reads it.
    public var isLanguageConditioned: Bool {
        self == .transporterLang || (semanticDecoder?.usesLanguage ?? false)
    }

    /// Whether it reads a goal image (the demonstration's goal observation) besides the observation.
    public var needsGoalImage: Bool { self == .imageGoalTransporter }

    /// The sentence encoder a run uses unless told: CLIP's for the agents that hold CLIP weights anyway,
    /// DistilBERT for RN50-BERT (untrained for the untrained one), else the weight-free hashed feature.
    public var defaultTextEncoder: InstructionEncoderKind {
        if needsCLIPVisualTrunk { return .clip }
        if self == .twoStreamUntrainedRN50BERTLingUNet { return .distilbertUntrained }
        return isRN50BERT ? .distilbert : .hashedNgrams
    }


    /// What the agent is for (CLIPort's comment in `agents/__init__.py`, and the paper's table).
    public var purpose: String {
        switch self {
        case .transporter: return "Transporter-only baseline: no language, ResNet43 pick and place"
        case .transporterLang: return "one-stream Transporter with the instruction fused at the bottleneck (paper: ~0% without a semantic stream)"
        case .cliport: return "CLIPort: CLIP semantic stream + Transporter spatial stream, lateral connections, language product (the paper's agent)"
        case .twoStreamCLIPUNetLat: return "ablation: CLIPort without language"
        case .twoStreamCLIPLingUNet: return "ablation: CLIPort without lateral connections"
        case .twoStreamCLIPUNet: return "ablation: CLIPort without language and lateral connections"
        case .twoStreamCLIPWithoutSkips: return "ablation: CLIPort without language, lateral or skip connections"
        case .twoStreamCLIPFiLMLingUNetLat: return "variant not in the paper: CLIPort with FiLM language fusion (README: reads text better in the real world)"
        case .clipUNet: return "CLIP-only baseline without language"
        case .clipLingUNet: return "CLIP-only baseline (paper Table 1)"
        case .imageGoalTransporter: return "Transporter conditioned on a goal image instead of language"
        case .twoStreamRN50BERTLingUNetLat: return "RN50-BERT baseline: ImageNet ResNet-50 + DistilBERT in place of CLIP (paper Table 1)"
        case .twoStreamRN50BERTUNet: return "RN50-BERT without language"
        case .twoStreamRN50BERTLingUNet: return "RN50-BERT without lateral connections"
        case .twoStreamUntrainedRN50BERTLingUNet: return "untrained-encoder baseline: RN50-BERT with random frozen encoders (paper Table 5)"
        }
    }

    /// Refuses image sizes the agent's networks cannot read: CLIP's trunk has stride 32 and the decoders
    /// join its maps to the spatial stream's, so the pick's padded square, the key's padded image and the
    /// crops must all be multiples of 32 (CLIPort's 320x160 with 64-pixel crops are).
    public func checkImageSize(rows: Int, cols: Int, cropSize: Int) throws {
        guard semanticDecoder != nil else { return }
        let side = max(rows, cols)
        let sizes = [side, rows + cropSize, cols + cropSize, cropSize]
        guard sizes.allSatisfy({ $0 % 32 == 0 }) else {
            throw TrainerError.badOption("the \(rawValue) agent runs CLIP's stride-32 visual trunk, so its padded pick image (\(side)x\(side)), "
                + "padded place image (\(rows + cropSize)x\(cols + cropSize)) and crops (--crop-size \(cropSize)) must be multiples of 32; "
                + "the data's heightmaps are \(rows)x\(cols) (CLIPort's 320x160 with --crop-size 64 fit)")
        }
    }

    /// CLIPort's trainable `text_fc` (768 → 1024) sits between DistilBERT's feature and the language
    /// projections; CLIP's and the hashed feature (1024-d) go to the projections directly.
    public static func textProjection(for encoder: InstructionEncoderKind?) -> Int? {
        encoder == .distilbert || encoder == .distilbertUntrained ? 1024 : nil
    }

    /// Freshly initialised networks (seeded, so every rank of a data-parallel job builds the same ones).
    /// `clip` is required by the agents with a CLIP stream (`needsCLIPVisualTrunk`), `imageNet` by RN50-BERT.
    public func makeNetworks(width: Double, rotations: Int = 36, cropSize: Int = 64, seed: UInt64, textDimension: Int,
                             learningRate: Float, clip: CLIPVisualTrunk?, imageNet: ImageNetResNetTrunk? = nil,
                             textProjection: Int? = nil) throws -> TransporterAgentNetworks {
        let networks: TransporterAgentNetworks
        switch self {
        case .transporter:
            networks = .transporter(width: width, rotations: rotations, cropSize: cropSize, seed: seed)
        case .transporterLang:
            networks = .transporterLang(textDimension: textDimension, textProjection: textProjection, width: width, rotations: rotations,
                                        cropSize: cropSize, seed: seed)
        case .imageGoalTransporter:
            networks = .imageGoal(width: width, rotations: rotations, cropSize: cropSize, seed: seed)
        case .cliport:
            guard let clip else { throw TrainerError.clipWeightsRequired }
            networks = .cliport(clip: clip, textDimension: textDimension, width: width, rotations: rotations, cropSize: cropSize, seed: seed)
        case .clipUNet, .clipLingUNet:
            guard let clip else { throw TrainerError.clipWeightsRequired }
            networks = .clipOnly(clip: clip, language: self == .clipUNet ? .none : .product, textDimension: textDimension, width: width,
                                 rotations: rotations, cropSize: cropSize, seed: seed)
        case .twoStreamRN50BERTLingUNetLat, .twoStreamRN50BERTUNet, .twoStreamRN50BERTLingUNet, .twoStreamUntrainedRN50BERTLingUNet:
            guard let imageNet else { throw TrainerError.visualWeightsRequired(rawValue) }
            networks = .twoStream(clip: imageNet, decoder: semanticDecoder!, textDimension: textDimension, textProjection: textProjection,
                                  width: width, rotations: rotations, cropSize: cropSize, seed: seed)
        default:
            guard let clip else { throw TrainerError.clipWeightsRequired }
            networks = .twoStream(clip: clip, decoder: semanticDecoder!, textDimension: textDimension, width: width,
                                  rotations: rotations, cropSize: cropSize, seed: seed)
        }
        networks.attentionOptimizer.configuration.learningRate = learningRate
        networks.transportOptimizer.configuration.learningRate = learningRate
        return networks
    }
}
