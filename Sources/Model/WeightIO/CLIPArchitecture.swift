/// A ResNet CLIP's architecture, read from its tensors' shapes as CLIP's `build_model` reads it:
/// blocks per layer by counting `visual.layerL.N` indices, the trunk width from layer1's first conv,
/// the image resolution from the attention pool's positional embedding (grid² + 1 rows, 32 pixels a
/// cell), the text width, context, vocabulary and layers from the text tensors, and heads as width/64
/// (the visual attention pool: width*32/64). RN50: width 64, [3, 4, 6, 3], 224 px, embed 1024,
/// text width 512, 12 layers, 8 heads, context 77, vocabulary 49408.
public struct CLIPArchitecture: Codable, Equatable, Sendable {
    public var visionWidth: Int
    public var visionLayers: [Int]
    public var visionHeads: Int
    /// nil when the checkpoint has no attention pool (CLIPort's trunk does not need it).
    public var imageResolution: Int?
    public var embedDimension: Int
    public var contextLength: Int
    public var vocabularySize: Int
    public var textWidth: Int
    public var textHeads: Int
    public var textLayers: Int
}

extension CLIPArchitecture {
    /// `visual`, `attentionPool` and `text` hold the tensors without their `visual.` /
    /// `visual.attnpool.` prefixes, as `CLIPWeights` keeps them.
    init(visual: TensorDictionary, attentionPool: TensorDictionary, text: TensorDictionary) throws {
        visionWidth = try visual.tensor("layer1.0.conv1.weight").shape[0]
        visionLayers = (1...4).map { layer in
            Set(visual.tensors.keys.compactMap { key -> Substring? in
                let parts = key.split(separator: ".")
                return parts.count > 2 && parts[0] == "layer\(layer)" ? parts[1] : nil
            }).count
        }
        visionHeads = max(1, visionWidth * 32 / 64)
        if let pos = attentionPool.tensors["positional_embedding"] {
            let grid = Int((Double(pos.shape[0] - 1)).squareRoot().rounded())
            guard grid * grid + 1 == pos.shape[0] else {
                throw ParameterStoreError.shapeMismatch(name: "visual.attnpool.positional_embedding",
                                                        expected: [grid * grid + 1, pos.shape.last ?? 0], found: pos.shape)
            }
            imageResolution = grid * 32
        }
        embedDimension = try text.tensor("text_projection").shape[1]
        let positional = try text.tensor("positional_embedding")
        contextLength = positional.shape[0]
        vocabularySize = try text.tensor("token_embedding.weight").shape[0]
        textWidth = try text.tensor("ln_final.weight").shape[0]
        textHeads = max(1, textWidth / 64)
        textLayers = Set(text.tensors.keys.compactMap { key -> Substring? in
            let parts = key.split(separator: ".")
            return parts.count > 3 && parts[0] == "transformer" && parts[1] == "resblocks" ? parts[2] : nil
        }).count
    }
}
