import Foundation
import XCTest
@testable import Model

/// DistilBERT and BERT's uncased WordPiece tokenizer against Hugging Face transformers
/// (scripts/reference/make_distilbert_fixture.py: a small DistilBertModel saved with save_pretrained).
final class DistilBERTTests: XCTestCase {
    struct Expected: Decodable {
        struct Case: Decodable { var text: String; var ids: [Int]; var sentence: [Float]; var first_token: [Float] }
        var cases: [Case]
    }

    var folder: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/distilbert_small").path
    }

    func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/expected.json")))
    }

    /// Lower-casing, accents, punctuation, ## pieces and [UNK] as DistilBertTokenizer gives them.
    func testWordPieceMatchesTransformers() throws {
        let tokenizer = try WordPieceTokenizer(vocabularyPath: folder + "/vocab.txt")
        for c in try expected().cases { XCTAssertEqual(tokenizer.encode(c.text), c.ids, c.text) }
        XCTAssertThrowsError(try WordPieceTokenizer(vocabulary: ["a", "b"])) { XCTAssertTrue("\($0)".contains("[CLS]")) }
    }

    /// The Hugging Face folder (model.safetensors, config.json's n_heads) reads into a DistilBERT whose
    /// hidden states and mean sentence feature equal transformers'.
    func testDistilBERTMatchesTransformers() throws {
        let model = try DistilBERT(weights: try Safetensors.read(folder + "/model.safetensors"), heads: 4)
        XCTAssertEqual([model.width, model.layers, model.maxPositions, model.vocabularySize], [32, 2, 64, 40])
        for c in try expected().cases {
            let sentence = try model.sentenceFeature(tokens: c.ids)
            let hidden = try model.forward(tokens: c.ids)
            XCTAssertEqual(sentence.shape, [1, 32])
            for i in 0..<32 {
                XCTAssertEqual(sentence.scalars[i], c.sentence[i], accuracy: 1e-4, "\(c.text) sentence[\(i)]")
                XCTAssertEqual(hidden.scalars[i], c.first_token[i], accuracy: 1e-4, "\(c.text) [CLS] state[\(i)]")
            }
        }
        // A masked-LM checkpoint's names (distilbert. prefix, vocab_* heads) read the same.
        var prefixed = try Safetensors.read(folder + "/model.safetensors").tensors
        prefixed = Dictionary(uniqueKeysWithValues: prefixed.map { ("distilbert." + $0.key, $0.value) })
        prefixed["vocab_projector.weight"] = Tensor.zeros([40, 32])
        let fromLM = try DistilBERT(weights: TensorDictionary(prefixed), heads: 4)
        let ids = try expected().cases[0].ids
        XCTAssertEqual(try fromLM.sentenceFeature(tokens: ids), try model.sentenceFeature(tokens: ids))
        XCTAssertThrowsError(try model.forward(tokens: [2, 99, 3])) { XCTAssertTrue("\($0)".contains("outside")) }
        XCTAssertThrowsError(try DistilBERT(weights: TensorDictionary(["conv1.weight": .zeros([1])]))) {
            XCTAssertTrue("\($0)".contains("not a DistilBERT checkpoint"))
        }
    }

    /// The untrained encoder: distilbert-base-uncased's shapes at transformers' initialisation
    /// (weights with standard deviation 0.02), the same for the same seed.
    func testUntrainedDistilBERT() throws {
        var g = SplitMix64(seed: 4), h = SplitMix64(seed: 4)
        let a = try DistilBERT.untrained(vocabularySize: 100, layers: 2, maxPositions: 16, using: &g)
        let b = try DistilBERT.untrained(vocabularySize: 100, layers: 2, maxPositions: 16, using: &h)
        XCTAssertEqual([a.width, a.layers, a.heads, a.vocabularySize], [768, 2, 12, 100])
        let q = try a.weights.tensor("transformer.layer.1.attention.q_lin.weight")
        let std = (q.scalars.map { $0 * $0 }.reduce(0, +) / Float(q.count)).squareRoot()
        XCTAssertEqual(std, 0.02, accuracy: 0.001)
        XCTAssertEqual(try a.sentenceFeature(tokens: [1, 5, 2]), try b.sentenceFeature(tokens: [1, 5, 2]))
    }
}
