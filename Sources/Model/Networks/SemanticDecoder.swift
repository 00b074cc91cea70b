/// The trainable part of a semantic stream: from a frozen visual trunk's maps (layer4 and the
/// intermediates `CLIPVisualTrunk` returns), optionally the sentence feature and the spatial stream's
/// lateral maps, to a dense map at the input's size.
public protocol SemanticDecoder: AnyObject {
    var parameters: [Parameter] { get }
    /// Batch-norm layers whose running statistics belong in checkpoints.
    var batchNorms: [BatchNormLayer] { get }
    /// Whether it reads the spatial stream's six lateral maps (`…_lat` decoders).
    var usesLaterals: Bool { get }
    /// Whether it reads the sentence feature.
    var usesLanguage: Bool { get }
    func forward(visual: Tensor, intermediates: [Tensor], laterals: [Tensor], text: Tensor?, outputSize: (Int, Int)) -> Tensor
    /// Accumulates parameter gradients and returns dL/dlaterals (empty without laterals).
    func backward(_ gradOutput: Tensor) -> [Tensor]
}
