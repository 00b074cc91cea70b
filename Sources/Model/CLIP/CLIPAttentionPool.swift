/// CLIP's attention pool, the last stage of `encode_image` for ResNet CLIPs: the layer4 grid [N, C, H, W]
/// is flattened to H*W tokens, their mean is prepended, a positional embedding [H*W + 1, C] is added,
/// and multi-head attention (separate q/k/v projections, output projection `c_proj` to the embedding
/// size) is read at the mean token: [N, embed]. Frozen, inference only, float32.
public struct CLIPAttentionPool: Sendable {
    public let heads: Int
    let positional: Tensor
    let attention: AttentionWeights

    /// `weights` uses OpenAI's names under `visual.attnpool.`: `positional_embedding`, `q_proj.*`,
    /// `k_proj.*`, `v_proj.*`, `c_proj.*`.
    public init(weights: TensorDictionary, heads: Int) throws {
        self.heads = heads
        positional = try weights.tensor("positional_embedding")
        let c = positional.shape[1]
        // Packed as nn.MultiheadAttention packs them: q, k, v rows stacked.
        var inWeight: [Float] = [], inBias: [Float] = []
        for p in ["q_proj", "k_proj", "v_proj"] {
            inWeight += try weights.tensor(p + ".weight", shape: [c, c]).scalars
            inBias += try weights.tensor(p + ".bias", shape: [c]).scalars
        }
        attention = AttentionWeights(inWeight: Tensor(shape: [3 * c, c], scalars: inWeight), inBias: Tensor(shape: [3 * c], scalars: inBias),
                                     outWeight: try weights.tensor("c_proj.weight"), outBias: try weights.tensor("c_proj.bias"))
    }

    public func forward(_ x: Tensor) throws -> Tensor {
        let n = x.shape[0], c = x.shape[1], hw = x.shape[2] * x.shape[3], l = hw + 1
        guard positional.shape == [l, c] else {
            throw ParameterStoreError.shapeMismatch(name: "visual.attnpool.positional_embedding", expected: [l, c], found: positional.shape)
        }
        var tokens = Tensor.zeros([n, l, c])
        for b in 0..<n {
            for ch in 0..<c {
                var sum: Float = 0
                for i in 0..<hw {
                    let v = x.scalars[(b * c + ch) * hw + i]
                    tokens.scalars[(b * l + 1 + i) * c + ch] = v
                    sum += v
                }
                tokens.scalars[(b * l) * c + ch] = sum / Float(hw)
            }
            for i in 0..<(l * c) { tokens.scalars[b * l * c + i] += positional.scalars[i] }
        }
        // Full self-attention: row 0 equals CLIP's query-only attention at the mean token.
        let out = MultiHeadAttention.forward(tokens, weights: attention, heads: heads, causal: false).output
        let e = out.shape[2]
        var pooled = Tensor.zeros([n, e])
        for b in 0..<n { for j in 0..<e { pooled.scalars[b * e + j] = out.scalars[b * l * e + j] } }
        return pooled
    }
}
