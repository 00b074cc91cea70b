/// A semantic stream: a frozen visual trunk (CLIP's RN50, or ImageNet's for RN50-BERT) on the
/// CLIP-normalised RGB channels, then a trainable `SemanticDecoder`. On its own it is the network of
/// CLIPort's one-stream CLIP agents (`clip_unet_transporter`, `clip_lingunet_transporter`);
/// `TwoStreamNetwork` pairs it with a spatial stream.
public final class SemanticStream: DenseNetwork {
    /// Frozen; this stream's `streamCopy()` of the trunk it was given (CLIPort's agent holds a copy per stream).
    public let trunk: VisualTrunk
    public let decoder: SemanticDecoder

    public init(trunk: VisualTrunk, decoder: SemanticDecoder) {
        self.trunk = trunk.streamCopy(); self.decoder = decoder
    }

    public var parameters: [Parameter] { decoder.parameters }
    public var parameterGroups: [(name: String, parameters: [Parameter])] { [("stream_one", decoder.parameters)] }
    public var batchNorms: [BatchNormLayer] { decoder.batchNorms + trunk.trunkBatchNorms }

    public func forward(_ image: Tensor, text: Tensor?) -> Tensor { forward(image, laterals: [], text: text) }

    /// The decoded map [N, D, H, W] of a raw image [N, 6, H, W], given the spatial stream's lateral maps
    /// when the decoder reads them.
    public func forward(_ image: Tensor, laterals: [Tensor], text: Tensor?) -> Tensor {
        precondition(!decoder.usesLanguage || text != nil, "SemanticStream: a language-conditioned decoder needs the sentence feature")
        let (_, _, h, w) = image.nchw
        let rgb = InputNormalization.clip.apply(image).channels(0..<3)
        let visual: (output: Tensor, intermediates: [Tensor])
        do { visual = try trunk.forward(rgb) } catch { preconditionFailure("SemanticStream: visual trunk: \(error)") }
        return decoder.forward(visual: visual.output, intermediates: visual.intermediates, laterals: laterals, text: text,
                               outputSize: (h, w))
    }

    public func backward(_ gradOutput: Tensor) { _ = decoder.backward(gradOutput) }

    /// Backward that returns dL/dlaterals (empty when the decoder reads none).
    public func backwardToLaterals(_ gradOutput: Tensor) -> [Tensor] { decoder.backward(gradOutput) }
}
