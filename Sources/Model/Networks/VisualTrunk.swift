/// A frozen image encoder a semantic stream decodes: layer4's output and the intermediate maps, of which
/// the decoders read the last four (layer1...layer4; `layerChannels` gives their channels).
public protocol VisualTrunk: Sendable {
    /// Channels of layer1...layer4 (RN50: 256, 512, 1024, 2048).
    var layerChannels: [Int] { get }
    /// Layer4's output [N, C4, H/32, W/32] and the intermediate maps, layer1...layer4 last.
    func forward(_ image: Tensor) throws -> (output: Tensor, intermediates: [Tensor])
    /// The trunk one stream holds: itself when it keeps no state; a copy when its batch norms keep
    /// running statistics per stream (CLIPort's agent holds a CLIP copy per stream).
    func streamCopy() -> VisualTrunk
    /// Batch norms whose running statistics move and belong in the stream's checkpoint (none when frozen
    /// in inference form).
    var trunkBatchNorms: [BatchNormLayer] { get }
}

/// Each stream holds its own CLIP copy, whose running statistics move in train mode (`CLIPBatchNorm`).
extension CLIPVisualTrunk: VisualTrunk {
    public func streamCopy() -> VisualTrunk { copy() }
    public var trunkBatchNorms: [BatchNormLayer] { batchNorms }
}
