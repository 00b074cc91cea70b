/// CLIP's text encoder (`encode_text_with_embeddings`): token + positional embedding, `layers`
/// residual attention blocks (LayerNorm → causal multi-head attention; LayerNorm → Linear 4x →
/// QuickGELU → Linear), final LayerNorm; the sentence feature is the end-of-text token's embedding
/// (the highest token id) times `text_projection`. Frozen, inference only, float32.
/// RN50: width 512, 12 layers, 8 heads, context 77, sentence feature 1024.
public struct CLIPTextTransformer: Sendable {
    public let width: Int, layers: Int, heads: Int, contextLength: Int
    let weights: TensorDictionary

    /// `weights` uses OpenAI's top-level names: `token_embedding.weight`, `positional_embedding`,
    /// `transformer.resblocks.{i}.…`, `ln_final.*`, `text_projection`.
    public init(weights: TensorDictionary, heads: Int = 8) throws {
        let pos = try weights.tensor("positional_embedding")
        contextLength = pos.shape[0]; width = pos.shape[1]
        var n = 0
        while weights.tensors["transformer.resblocks.\(n).ln_1.weight"] != nil { n += 1 }
        layers = n; self.heads = heads; self.weights = weights
    }

    /// For token ids [N, context] (zero-padded, one sequence per row): the sentence features
    /// [N, embed] and the per-token embeddings [N, context, width].
    public func forward(tokens: [[Int]]) throws -> (sentence: Tensor, tokens: Tensor) {
        let n = tokens.count, l = contextLength, d = width
        let table = try weights.tensor("token_embedding.weight")
        let pos = try weights.tensor("positional_embedding")
        var x = Tensor.zeros([n, l, d])
        let vocabulary = table.shape[0]
        for (b, seq) in tokens.enumerated() {
            guard seq.count == l else { throw CLIPTextError.wrongLength(sequence: b, count: seq.count, contextLength: l) }
            // An id outside the table would read another row's memory: refused, with the likely cause.
            if let bad = seq.first(where: { $0 < 0 || $0 >= vocabulary }) {
                throw CLIPTextError.tokenOutOfRange(id: bad, vocabularySize: vocabulary)
            }
            for (t, id) in seq.enumerated() {
                for i in 0..<d { x.scalars[(b * l + t) * d + i] = table.scalars[id * d + i] + pos.scalars[t * d + i] }
            }
        }
        for k in 0..<layers {
            let p = "transformer.resblocks.\(k)."
            let h1 = LayerNorm.forward(x, gamma: try weights.tensor(p + "ln_1.weight"), beta: try weights.tensor(p + "ln_1.bias")).output
            let attn = MultiHeadAttention.forward(h1, weights: AttentionWeights(
                inWeight: try weights.tensor(p + "attn.in_proj_weight"), inBias: try weights.tensor(p + "attn.in_proj_bias"),
                outWeight: try weights.tensor(p + "attn.out_proj.weight"), outBias: try weights.tensor(p + "attn.out_proj.bias")),
                heads: heads, causal: true).output
            x.add(attn)
            let h2 = LayerNorm.forward(x, gamma: try weights.tensor(p + "ln_2.weight"), beta: try weights.tensor(p + "ln_2.bias")).output
            let fc = QuickGELU.forward(Linear.forward(h2, weight: try weights.tensor(p + "mlp.c_fc.weight"), bias: try weights.tensor(p + "mlp.c_fc.bias")))
            x.add(Linear.forward(fc, weight: try weights.tensor(p + "mlp.c_proj.weight"), bias: try weights.tensor(p + "mlp.c_proj.bias")))
        }
        let emb = LayerNorm.forward(x, gamma: try weights.tensor("ln_final.weight"), beta: try weights.tensor("ln_final.bias")).output
        let proj = try weights.tensor("text_projection")   // [width, embed], applied as x @ proj
        let e = proj.shape[1]
        var sentence = Tensor.zeros([n, e])
        for (b, seq) in tokens.enumerated() {
            // The end-of-text token has the highest id; argmax takes its first occurrence.
            var eot = 0
            for t in 1..<seq.count where seq[t] > seq[eot] { eot = t }
            for j in 0..<e {
                var s: Float = 0
                for i in 0..<d { s += emb.scalars[(b * l + eot) * d + i] * proj.scalars[i * e + j] }
                sentence.scalars[b * e + j] = s
            }
        }
        return (sentence, emb)
    }
}

/// Why the text encoder refused its tokens.
public enum CLIPTextError: Error, CustomStringConvertible, Equatable {
    case tokenOutOfRange(id: Int, vocabularySize: Int)
    case wrongLength(sequence: Int, count: Int, contextLength: Int)

    public var description: String {
        switch self {
        case let .tokenOutOfRange(id, size):
            return "token id \(id) is outside the CLIP text encoder's embedding table of \(size) tokens; the vocabulary (--clip-vocab) does not belong to these weights — use CLIP's bpe_simple_vocab_16e6.txt.gz with OpenAI's RN50 weights"
        case let .wrongLength(sequence, count, context):
            return "token sequence \(sequence) has \(count) ids but the CLIP text encoder takes exactly \(context) (its context length); pad or truncate with CLIPTokenizer"
        }
    }
}
