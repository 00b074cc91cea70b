/// A network from a raw, padded observation [N, 6, H, W] (colour 0-255, heights in metres) to a dense
/// map [N, D, H, W], optionally conditioned on a sentence feature [1, E]. The attention and transport
/// modules are written against this, so one-stream (Transporter) and two-stream (CLIPort) networks
/// plug into them alike. Each network normalises its own input, as CLIPort's streams do.
public protocol DenseNetwork: AnyObject {
    var parameters: [Parameter] { get }
    /// Parameters by sub-network, each group's names unique (checkpoints store one HDF5 group each),
    /// following CLIPort's module names: `stream_one` (spatial), `stream_two` (semantic), `fusion`.
    var parameterGroups: [(name: String, parameters: [Parameter])] { get }
    /// Batch-norm layers whose running statistics belong in checkpoints.
    var batchNorms: [BatchNormLayer] { get }
    func forward(_ image: Tensor, text: Tensor?) -> Tensor
    /// Accumulates parameter gradients from dL/doutput.
    func backward(_ gradOutput: Tensor)
}

/// A one-stream network (ResNet43 for `transporter`) with its input normalisation.
public final class SpatialStream: DenseNetwork {
    public let network: Layer
    public let normalization: InputNormalization

    public init(_ network: Layer, normalization: InputNormalization = .transporter) {
        self.network = network; self.normalization = normalization
    }

    public var parameters: [Parameter] { network.parameters }
    public var parameterGroups: [(name: String, parameters: [Parameter])] { [("stream_one", network.parameters)] }
    public var batchNorms: [BatchNormLayer] { [] }
    public func forward(_ image: Tensor, text: Tensor?) -> Tensor { network.forward(normalization.apply(image)) }
    public func backward(_ gradOutput: Tensor) { _ = network.backward(gradOutput) }
}
