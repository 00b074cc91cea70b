import Foundation
import Model

/// DistilBERT (frozen) over BERT's uncased WordPiece tokens, the sentence feature the mean of its last
/// hidden states (768-d for distilbert-base-uncased): what CLIPort's `transporter_lang` and RN50-BERT
/// agents read instructions with; their networks then apply CLIPort's trainable `text_fc` (768 → 1024,
/// `AgentModel.textProjection(for:)`). Read from a Hugging Face model folder: `model.safetensors` and `vocab.txt`.
public final class DistilBERTInstructionEncoder: InstructionEncoder {
    public let kind: InstructionEncoderKind
    public let dimension: Int
    let model: DistilBERT
    let tokenizer: WordPieceTokenizer
    private var cache: [String: Tensor] = [:]

    public init(model: DistilBERT, tokenizer: WordPieceTokenizer, kind: InstructionEncoderKind = .distilbert) {
        self.model = model; self.tokenizer = tokenizer; self.kind = kind; dimension = model.width
    }

    /// CLIPort's untrained text encoder: DistilBERT's architecture at seeded random weights, with the
    /// pretrained tokenizer of `folder`'s vocab.txt.
    public static func untrained(folder: String, seed: UInt64) throws -> DistilBERTInstructionEncoder {
        let tokenizer = try WordPieceTokenizer(vocabularyPath: folder + "/vocab.txt")
        var g = SplitMix64(seed: seed)
        return DistilBERTInstructionEncoder(model: try DistilBERT.untrained(vocabularySize: tokenizer.vocabularySize, using: &g),
                                            tokenizer: tokenizer, kind: .distilbertUntrained)
    }

    /// `folder` holds `model.safetensors` and `vocab.txt` (and `config.json`, whose `n_heads` is read when present).
    public convenience init(folder: String) throws {
        var heads = 12
        if let data = FileManager.default.contents(atPath: folder + "/config.json"),
           let config = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let n = config["n_heads"] as? Int {
            heads = n
        }
        let model = try DistilBERT(weights: try Safetensors.read(folder + "/model.safetensors"), heads: heads)
        self.init(model: model, tokenizer: try WordPieceTokenizer(vocabularyPath: folder + "/vocab.txt"))
    }

    public func feature(for instruction: String) throws -> Tensor {
        if let cached = cache[instruction] { return cached }
        let t = try model.sentenceFeature(tokens: tokenizer.encode(instruction))
        cache[instruction] = t
        return t
    }
}
