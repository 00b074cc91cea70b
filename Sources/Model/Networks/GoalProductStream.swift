/// The pick network of CLIPort's `image_goal_transporter` (`AttentionImageGoal`): the raw observation
/// times the raw goal image, element by element, then normalised and passed through a Transporter FCN.
///
/// Input: the observation and the goal stacked as 12 channels [N, 12, H, W] (observation 0..<6, goal
/// 6..<12), so the attention module pads both alike; padding is zero, so padding the product equals
/// the product of the padded images, as CLIPort computes it.
public final class GoalProductStream: DenseNetwork {
    public let network: Layer
    public let normalization: InputNormalization

    public init(_ network: Layer, normalization: InputNormalization = .transporter) {
        self.network = network; self.normalization = normalization
    }

    public var parameters: [Parameter] { network.parameters }
    public var parameterGroups: [(name: String, parameters: [Parameter])] { [("stream_one", network.parameters)] }
    public var batchNorms: [BatchNormLayer] { [] }

    public func forward(_ image: Tensor, text: Tensor?) -> Tensor {
        precondition(image.rank == 4 && image.shape[1] == 12,
                     "GoalProductStream: input must stack the observation and the goal image as 12 channels, got \(image.shape)")
        let product = Elementwise.multiply(image.channels(0..<6), image.channels(6..<12))
        return network.forward(normalization.apply(product))
    }

    public func backward(_ gradOutput: Tensor) { _ = network.backward(gradOutput) }
}
