import Foundation

/// DistilBERT's encoder (Hugging Face `DistilBertModel`), frozen, inference only, float32: word +
/// learned position embeddings and LayerNorm, then `layers` transformer blocks (multi-head
/// self-attention with q/k/v/out projections, residual, LayerNorm; Linear → GELU (erf) → Linear,
/// residual, LayerNorm; post-norm, epsilon 1e-12). `distilbert-base-uncased`: 6 layers, width 768,
/// 12 heads, hidden 3072, 512 positions, 30,522 tokens.
///
/// CLIPort's RN50-BERT agents and `transporter_lang` read an instruction as the mean of the last
/// hidden states over its tokens (`[CLS]` and `[SEP]` included, no padding): `sentenceFeature`.
public struct DistilBERT: Sendable {
    public let width: Int, layers: Int, heads: Int, maxPositions: Int, vocabularySize: Int
    let weights: TensorDictionary

    /// `weights` under `DistilBertModel`'s state-dict names (`embeddings.word_embeddings.weight`,
    /// `transformer.layer.{i}.attention.q_lin.weight`, …); a `distilbert.` prefix (the checkpoints of
    /// `DistilBertForMaskedLM` and friends, as `distilbert-base-uncased` ships) is dropped and heads
    /// other than the encoder's ignored. The architecture is read from the shapes; `heads` is not in
    /// them (config.json's `n_heads`).
    public init(weights raw: TensorDictionary, heads: Int = 12) throws {
        var tensors: [String: Tensor] = [:]
        for (name, t) in raw.tensors {
            let key = name.hasPrefix("distilbert.") ? String(name.dropFirst("distilbert.".count)) : name
            if key.hasPrefix("embeddings.") || key.hasPrefix("transformer.") { tensors[key] = t }
        }
        let w = TensorDictionary(tensors)
        guard w.tensors["embeddings.word_embeddings.weight"] != nil else {
            throw DistilBERTError.notDistilBERT("no embeddings.word_embeddings.weight (nor distilbert.…): not a DistilBERT checkpoint")
        }
        let words = try w.tensor("embeddings.word_embeddings.weight"), positions = try w.tensor("embeddings.position_embeddings.weight")
        vocabularySize = words.shape[0]; width = words.shape[1]; maxPositions = positions.shape[0]
        var n = 0
        while w.tensors["transformer.layer.\(n).attention.q_lin.weight"] != nil { n += 1 }
        guard n > 0 else { throw DistilBERTError.notDistilBERT("no transformer.layer.0.attention.q_lin.weight") }
        guard width % heads == 0 else { throw DistilBERTError.notDistilBERT("width \(width) is not divisible by \(heads) heads") }
        layers = n; self.heads = heads; weights = w
    }

    /// The last hidden states [1, L, width] of one token sequence (all tokens attended to).
    public func forward(tokens: [Int]) throws -> Tensor {
        let l = tokens.count, d = width
        guard l > 0, l <= maxPositions else { throw DistilBERTError.badTokens("\(l) tokens; DistilBERT reads 1 to \(maxPositions)") }
        if let bad = tokens.first(where: { $0 < 0 || $0 >= vocabularySize }) {
            throw DistilBERTError.badTokens("token id \(bad) is outside the \(vocabularySize)-entry embedding table")
        }
        let words = try weights.tensor("embeddings.word_embeddings.weight"), positions = try weights.tensor("embeddings.position_embeddings.weight")
        var x = Tensor.zeros([1, l, d])
        for (t, id) in tokens.enumerated() {
            for i in 0..<d { x.scalars[t * d + i] = words.scalars[id * d + i] + positions.scalars[t * d + i] }
        }
        x = try norm(x, "embeddings.LayerNorm")
        for k in 0..<layers {
            let p = "transformer.layer.\(k)."
            func cat(_ part: String) throws -> Tensor {
                let q = try weights.tensor(p + "attention.q_lin." + part), kk = try weights.tensor(p + "attention.k_lin." + part)
                let v = try weights.tensor(p + "attention.v_lin." + part)
                return Tensor(shape: [3 * q.shape[0]] + q.shape.dropFirst(), scalars: q.scalars + kk.scalars + v.scalars)
            }
            let attention = MultiHeadAttention.forward(x, weights: AttentionWeights(
                inWeight: try cat("weight"), inBias: try cat("bias"),
                outWeight: try weights.tensor(p + "attention.out_lin.weight"), outBias: try weights.tensor(p + "attention.out_lin.bias")),
                heads: heads, causal: false).output
            x = try norm(Elementwise.add(attention, x), p + "sa_layer_norm")
            let hidden = GELU.forward(Linear.forward(x, weight: try weights.tensor(p + "ffn.lin1.weight"), bias: try weights.tensor(p + "ffn.lin1.bias")))
            let ffn = Linear.forward(hidden, weight: try weights.tensor(p + "ffn.lin2.weight"), bias: try weights.tensor(p + "ffn.lin2.bias"))
            x = try norm(Elementwise.add(ffn, x), p + "output_layer_norm")
        }
        return x
    }

    /// The mean of the last hidden states over the tokens [1, width] (CLIPort's `last_hidden_state.mean(1)`).
    public func sentenceFeature(tokens: [Int]) throws -> Tensor {
        let h = try forward(tokens: tokens)
        let l = tokens.count, d = width
        var out = Tensor.zeros([1, d])
        for t in 0..<l { for i in 0..<d { out.scalars[i] += h.scalars[t * d + i] } }
        out.scale(by: 1 / Float(l))
        return out
    }

    /// `DistilBertModel(DistilBertConfig())`'s initialisation (weights normal with std 0.02, biases 0,
    /// LayerNorms 1 and 0): the frozen text encoder of CLIPort's untrained RN50-BERT, whose tokenizer
    /// alone is pretrained. Default: distilbert-base-uncased's architecture.
    public static func untrained<G: RandomNumberGenerator>(vocabularySize: Int = 30_522, width: Int = 768, layers: Int = 6,
                                                           heads: Int = 12, hidden: Int = 3072, maxPositions: Int = 512,
                                                           using g: inout G) throws -> DistilBERT {
        var t: [String: Tensor] = [:]
        func normal(_ name: String, _ shape: [Int]) { t[name] = .normal(shape, standardDeviation: 0.02, using: &g) }
        func layerNorm(_ name: String) { t[name + ".weight"] = Tensor(shape: [width], repeating: 1); t[name + ".bias"] = .zeros([width]) }
        func linear(_ name: String, _ out: Int, _ inp: Int) { normal(name + ".weight", [out, inp]); t[name + ".bias"] = .zeros([out]) }
        normal("embeddings.word_embeddings.weight", [vocabularySize, width])
        normal("embeddings.position_embeddings.weight", [maxPositions, width])
        layerNorm("embeddings.LayerNorm")
        for k in 0..<layers {
            let p = "transformer.layer.\(k)."
            for part in ["q_lin", "k_lin", "v_lin", "out_lin"] { linear(p + "attention." + part, width, width) }
            layerNorm(p + "sa_layer_norm")
            linear(p + "ffn.lin1", hidden, width); linear(p + "ffn.lin2", width, hidden)
            layerNorm(p + "output_layer_norm")
        }
        return try DistilBERT(weights: TensorDictionary(t), heads: heads)
    }

    func norm(_ x: Tensor, _ name: String) throws -> Tensor {
        LayerNorm.forward(x, gamma: try weights.tensor(name + ".weight"), beta: try weights.tensor(name + ".bias"), epsilon: 1e-12).output
    }
}

public enum DistilBERTError: Error, CustomStringConvertible, Equatable {
    case notDistilBERT(String)
    case badTokens(String)
    case badVocabulary(String)

    public var description: String {
        switch self {
        case .notDistilBERT(let why): return "not a DistilBERT checkpoint: \(why); pass the model.safetensors of a Hugging Face distilbert-base-uncased folder"
        case .badTokens(let why): return "DistilBERT cannot read these tokens: \(why)"
        case .badVocabulary(let why): return "not a BERT WordPiece vocabulary: \(why); pass the vocab.txt of the same Hugging Face folder"
        }
    }
}
