/// A place network of CLIPort's `image_goal_transporter` (`TransportImageGoal`): a Transporter FCN on
/// the observation plus a goal FCN on the goal image, added (CLIPort's comment: multiplying did not
/// work). The key runs it on the padded images, the query on their rotated crops.
///
/// Input: observation and goal stacked as 12 channels (observation 0..<6, goal 6..<12), so the
/// transport module pads, rotates and crops both alike.
///
/// CLIPort applies one goal network to both the padded goal and its crops. Here the key's stream owns
/// it; the query's stream runs a twin whose weights are copied from it before every forward and whose
/// gradients are folded into it after every backward (`foldTiedGradients`), so there is one set of
/// goal weights, trained by both uses, as in CLIPort. (A layer keeps one forward's state, so one
/// instance cannot serve both calls, which run side by side.)
public final class GoalSumStream: DenseNetwork {
    public let network: Layer
    public let goalNetwork: Layer
    /// The stream whose goal network this one's is a twin of (nil: it owns its goal network).
    public let tiedTo: GoalSumStream?
    public let normalization: InputNormalization

    public init(network: Layer, goalNetwork: Layer, tiedTo: GoalSumStream? = nil, normalization: InputNormalization = .transporter) {
        if let tiedTo {
            precondition(tiedTo.goalNetwork.parameters.map(\.value.shape) == goalNetwork.parameters.map(\.value.shape),
                         "GoalSumStream: a twin goal network must have its source's shapes")
        }
        self.network = network; self.goalNetwork = goalNetwork; self.tiedTo = tiedTo; self.normalization = normalization
    }

    public var parameters: [Parameter] { network.parameters + (tiedTo == nil ? goalNetwork.parameters : []) }
    public var parameterGroups: [(name: String, parameters: [Parameter])] {
        [("stream_one", network.parameters)] + (tiedTo == nil ? [("goal", goalNetwork.parameters)] : [])
    }
    public var batchNorms: [BatchNormLayer] { [] }

    public func forward(_ image: Tensor, text: Tensor?) -> Tensor {
        precondition(image.rank == 4 && image.shape[1] == 12,
                     "GoalSumStream: input must stack the observation and the goal image as 12 channels, got \(image.shape)")
        if let tiedTo {
            for (mine, source) in zip(goalNetwork.parameters, tiedTo.goalNetwork.parameters) { mine.value = source.value }
        }
        var out = network.forward(normalization.apply(image.channels(0..<6)))
        out.add(goalNetwork.forward(normalization.apply(image.channels(6..<12))))
        return out
    }

    public func backward(_ gradOutput: Tensor) {
        _ = network.backward(gradOutput)
        _ = goalNetwork.backward(gradOutput)
    }

    /// Adds the twin's goal gradients into its source's and clears them (after both backward passes).
    public func foldTiedGradients() {
        guard let tiedTo else { return }
        for (mine, source) in zip(goalNetwork.parameters, tiedTo.goalNetwork.parameters) {
            source.gradient.add(mine.gradient)
            mine.zeroGradient()
        }
    }
}
