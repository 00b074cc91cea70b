/// The networks of one agent and CLIPort's two optimisers, with its training step.
///
/// `transporter` (CLIPort's `OriginalTransporterAgent`): attention = ResNet43(6 → 1) on the padded
/// 320x320 input, transport key and query = ResNet43(6 → 3).
/// `cliport` (`TwoStreamClipLingUNetLatTransporterAgent`): attention = two-stream (add) with 1 output
/// channel, key and query = two-stream (1x1 conv fusion) with 3; one frozen CLIP trunk serves all three.
public final class TransporterAgentNetworks {
    public let attention: AttentionModule
    public let transport: TransportModule
    /// CLIPort keeps separate Adam optimisers for the two modules (`attn_optim`, `trans_optim`).
    public let attentionOptimizer: Adam
    public let transportOptimizer: Adam

    public init(attention: AttentionModule, transport: TransportModule, configuration: AdamConfiguration = AdamConfiguration()) {
        self.attention = attention
        self.transport = transport
        attentionOptimizer = Adam(parameters: attention.parameters, configuration: configuration)
        transportOptimizer = Adam(parameters: transport.parameters, configuration: configuration)
    }

    /// CLIPort's `transporter` agent with 36 rotations and 64x64 crops; `width` scales channels.
    public static func transporter(width: Double = 1, rotations: Int = 36, cropSize: Int = 64,
                                   seed: UInt64 = 0) -> TransporterAgentNetworks {
        var g = SplitMix64(seed: seed)
        let pick = ResNet43(inputChannels: 6, outputChannels: 1, width: width, using: &g)
        let key = ResNet43(inputChannels: 6, outputChannels: 3, width: width, using: &g)
        let query = ResNet43(inputChannels: 6, outputChannels: 3, width: width, using: &g)
        return TransporterAgentNetworks(
            attention: AttentionModule(network: pick, rotations: 1),
            transport: TransportModule(keyNetwork: key, queryNetwork: query, rotations: rotations, cropSize: cropSize))
    }

    /// CLIPort's `cliport` agent. `clip` is the frozen visual trunk (imported RN50 weights, or
    /// `CLIPVisualTrunk.random()` for timing); `textDimension` is the sentence feature's size.
    public static func cliport(clip: CLIPVisualTrunk, textDimension: Int = 1024, width: Double = 1,
                               rotations: Int = 36, cropSize: Int = 64, seed: UInt64 = 0) -> TransporterAgentNetworks {
        var g = SplitMix64(seed: seed)
        func stream(_ out: Int, _ fusion: TwoStreamNetwork.Fusion) -> TwoStreamNetwork {
            TwoStreamNetwork(clip: clip, clipChannels: clip.layerChannels, textDimension: textDimension,
                             outputChannels: out, fusion: fusion, width: width, using: &g)
        }
        let pick = stream(1, .add), key = stream(3, .convolution), query = stream(3, .convolution)
        return TransporterAgentNetworks(
            attention: AttentionModule(network: pick, rotations: 1),
            transport: TransportModule(keyNetwork: key, queryNetwork: query, rotations: rotations, cropSize: cropSize))
    }

    /// CLIPort's `transporter_lang` baseline: ResNet43 with the language product in its decoder for the
    /// attention (1 channel) and transport key/query (3), conditioned on the CLIP sentence feature.
    public static func transporterLang(textDimension: Int = 1024, textProjection: Int? = nil, width: Double = 1, rotations: Int = 36,
                                       cropSize: Int = 64, seed: UInt64 = 0) -> TransporterAgentNetworks {
        var g = SplitMix64(seed: seed)
        func stream(_ out: Int) -> ResNet43Lang {
            ResNet43Lang(outputChannels: out, textDimension: textDimension, textProjection: textProjection, width: width, using: &g)
        }
        let pick = stream(1), key = stream(3), query = stream(3)
        return TransporterAgentNetworks(
            attention: AttentionModule(network: pick, rotations: 1),
            transport: TransportModule(keyNetwork: key, queryNetwork: query, rotations: rotations, cropSize: cropSize))
    }

    /// One training step on one example, as CLIPort's `training_step`: the pick loss (one-hot at the
    /// pick pixel, rotation 0) and the place loss (one-hot at the place pixel and rotation bin), each
    /// back-propagated and stepped with its own optimiser. `text` is the instruction's (cached) CLIP
    /// sentence feature for language-conditioned models. Returns the two losses.
    @discardableResult
    public func trainStep(image: Tensor, pick: (row: Int, column: Int), place: (row: Int, column: Int),
                          placeRotation: Int, text: Tensor? = nil) -> (attention: Float, transport: Float) {
        zeroGradients()
        let losses = accumulateGradients(image: image, pick: pick, place: place, placeRotation: placeRotation, text: text)
        applyGradients()
        return losses
    }

    /// Every trainable parameter: the attention module's, then the transport module's (the order of the
    /// flat gradient vector data-parallel training sums across processes).
    public var parameters: [Parameter] { attention.parameters + transport.parameters }

    public func zeroGradients() {
        attentionOptimizer.zeroGradients()
        transportOptimizer.zeroGradients()
    }

    /// Adds one example's gradients of the pick and place losses to the parameters' gradients (a batch
    /// is several calls, then `applyGradients(scale: 1/B)`). Returns the two losses. The two modules
    /// share nothing, so they run side by side (`ConcurrentBranches`).
    @discardableResult
    public func accumulateGradients(image: Tensor, pick: (row: Int, column: Int), place: (row: Int, column: Int),
                                    placeRotation: Int, text: Tensor? = nil) -> (attention: Float, transport: Float) {
        var losses: (attention: Float, transport: Float) = (0, 0)
        ConcurrentBranches.run(
            { losses.transport = self.placeLoss(image: image, pick: pick, place: place, placeRotation: placeRotation, text: text) },
            { losses.attention = self.pickLoss(image: image, pick: pick, text: text) },
            secondInBackground: true)
        return losses
    }

    /// The two losses of one example without touching gradients (validation).
    public func losses(image: Tensor, pick: (row: Int, column: Int), place: (row: Int, column: Int),
                       placeRotation: Int, text: Tensor? = nil) -> (attention: Float, transport: Float) {
        score(image: image, pick: pick, place: place, placeRotation: placeRotation, text: text).losses
    }

    /// One example scored without touching gradients: the two losses and where each map peaks (the place
    /// map with its crop at the demonstrated pick, as training sees it).
    public func score(image: Tensor, pick: (row: Int, column: Int), place: (row: Int, column: Int),
                      placeRotation: Int, text: Tensor? = nil) -> ExampleScore {
        var pickLogits = Tensor.zeros([1]), placeLogits = Tensor.zeros([1])
        ConcurrentBranches.run(
            { pickLogits = self.attention.forward(image, text: text) },
            { placeLogits = self.transport.forward(image, pickRow: pick.row, pickColumn: pick.column, text: text) })
        return ExampleScore(losses: (Self.crossEntropy(pickLogits, label: [0, pick.row, pick.column]).loss,
                                     Self.crossEntropy(placeLogits, label: [placeRotation, place.row, place.column]).loss),
                            pickPeak: ExampleScore.peak(of: pickLogits), placePeak: ExampleScore.peak(of: placeLogits))
    }

    /// Cross-entropy of the attention module's logits against the demonstrated pick pixel; its gradient
    /// is added into the module's parameters.
    private func pickLoss(image: Tensor, pick: (row: Int, column: Int), text: Tensor?) -> Float {
        let (loss, gradient) = Self.crossEntropy(attention.forward(image, text: text), label: [0, pick.row, pick.column])
        attention.backward(gradient)
        return loss
    }

    /// Cross-entropy of the transport module's logits (crop at the demonstrated pick) against the
    /// demonstrated place pixel and rotation bin; its gradient is added into the module's parameters.
    private func placeLoss(image: Tensor, pick: (row: Int, column: Int), place: (row: Int, column: Int),
                           placeRotation: Int, text: Tensor?) -> Float {
        let logits = transport.forward(image, pickRow: pick.row, pickColumn: pick.column, text: text)
        let (loss, gradient) = Self.crossEntropy(logits, label: [placeRotation, place.row, place.column])
        transport.backward(gradient)
        return loss
    }

    /// CLIPort's loss of `logits` against a one-hot label at `label` (rotation, row, column), and its gradient.
    private static func crossEntropy(_ logits: Tensor, label: [Int]) -> (loss: Float, gradient: Tensor) {
        SoftmaxCrossEntropy.lossAndGradient(logits: logits, target: SoftmaxCrossEntropy.oneHot(shape: logits.shape, at: label))
    }

    /// Scales the accumulated gradients by `scale` (1/B for a mean over a batch) and steps both optimisers.
    public func applyGradients(scale: Float = 1) {
        if scale != 1 { for p in parameters { p.gradient.scale(by: scale) } }
        attentionOptimizer.step()
        transportOptimizer.step()
    }
}
