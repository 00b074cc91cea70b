/// `nn.BatchNorm2d` as a layer. Training form by default (batch statistics, running statistics
/// updated): CLIPort's UNet DoubleConv batch norms run this way in training *and* in its eval.py, which
/// never calls `.eval()`. Set `training = false` for the running-statistics form.
public final class BatchNormLayer: Layer {
    public let gamma: Parameter
    public let beta: Parameter
    public var statistics: BatchNormStatistics
    public var training = true
    private var cache: BatchNormCache?
    private var input: Tensor?

    public init(name: String, channels: Int) {
        gamma = Parameter(name: name + ".weight", value: Tensor(shape: [channels], repeating: 1))
        beta = Parameter(name: name + ".bias", value: Tensor.zeros([channels]))
        statistics = BatchNormStatistics(channels: channels)
    }

    public var parameters: [Parameter] { [gamma, beta] }
    /// Parameter names of the running statistics (`.running_mean`, `.running_var`) for checkpoints.
    public var statisticsNames: (mean: String, variance: String) {
        let base = String(gamma.name.dropLast(".weight".count))
        return (base + ".running_mean", base + ".running_var")
    }

    public func forward(_ x: Tensor) -> Tensor {
        if training {
            let (y, c) = BatchNorm.training(x, gamma: gamma.value, beta: beta.value, statistics: &statistics)
            cache = c
            return y
        }
        input = x
        return BatchNorm.inference(x, gamma: gamma.value, beta: beta.value, statistics: statistics)
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        let g: (input: Tensor, gamma: Tensor, beta: Tensor)
        if training {
            guard let cache else { preconditionFailure("BatchNormLayer.backward before forward") }
            g = BatchNorm.trainingBackward(gradOutput, gamma: gamma.value, cache: cache)
        } else {
            guard let input else { preconditionFailure("BatchNormLayer.backward before forward") }
            g = BatchNorm.inferenceBackward(gradOutput, input: input, gamma: gamma.value, statistics: statistics)
        }
        gamma.gradient.add(g.gamma)
        beta.gradient.add(g.beta)
        return g.input
    }
}
