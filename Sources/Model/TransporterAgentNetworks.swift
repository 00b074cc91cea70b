/// The networks of one agent and CLIPort's two optimisers, with its training step.
///
/// `transporter` (CLIPort's `OriginalTransporterAgent`): attention = ResNet43(6 → 1) on the padded
/// 320x320 input, transport key and query = ResNet43(6 → 3). The `cliport` two-stream model adds the
/// CLIP semantic streams (not built yet).
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

    /// One training step on one example, as CLIPort's `training_step`: the pick loss (one-hot at the
    /// pick pixel, rotation 0) and the place loss (one-hot at the place pixel and rotation bin), each
    /// back-propagated and stepped with its own optimiser. Returns the two losses.
    @discardableResult
    public func trainStep(image: Tensor, pick: (row: Int, column: Int), place: (row: Int, column: Int),
                          placeRotation: Int) -> (attention: Float, transport: Float) {
        attentionOptimizer.zeroGradients()
        let pickLogits = attention.forward(image)
        let pickTarget = SoftmaxCrossEntropy.oneHot(shape: pickLogits.shape, at: [0, pick.row, pick.column])
        let (pickLoss, pickGrad) = SoftmaxCrossEntropy.lossAndGradient(logits: pickLogits, target: pickTarget)
        attention.backward(pickGrad)
        attentionOptimizer.step()

        transportOptimizer.zeroGradients()
        let placeLogits = transport.forward(image, pickRow: pick.row, pickColumn: pick.column)
        let placeTarget = SoftmaxCrossEntropy.oneHot(shape: placeLogits.shape,
                                                     at: [placeRotation, place.row, place.column])
        let (placeLoss, placeGrad) = SoftmaxCrossEntropy.lossAndGradient(logits: placeLogits, target: placeTarget)
        transport.backward(placeGrad)
        transportOptimizer.step()
        return (pickLoss, placeLoss)
    }
}
