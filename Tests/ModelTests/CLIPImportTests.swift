import HDF5
import XCTest
@testable import Model

/// CLIP checkpoints as they are shipped, made by scripts/reference/make_clip_archive.py with random
/// weights in OpenAI's fp16 layout: each format imports without Python, the architecture comes from the
/// shapes, and the features equal what PyTorch computed from the same weights.
final class CLIPImportTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    func fixture(_ name: String) -> String { Self.fixtures.appendingPathComponent(name).path }

    /// PyTorch's inputs and outputs for one checkpoint.
    struct Reference {
        let image: Tensor, tokens: [[Int]], imageFeatures: Tensor, prepool: Tensor, textFeatures: Tensor
        init(_ path: String) throws {
            let d = try Safetensors.read(path)
            image = try d.tensor("image"); imageFeatures = try d.tensor("image_features")
            prepool = try d.tensor("prepool"); textFeatures = try d.tensor("text_features")
            let ids = try d.tensor("tokens")
            tokens = (0..<ids.shape[0]).map { b in (0..<ids.shape[1]).map { Int(ids.scalars[b * ids.shape[1] + $0]) } }
        }
    }

    /// Largest |a - b| over the elements, with the shapes required equal.
    func maxError(_ a: Tensor, _ b: Tensor, _ what: String) -> Float {
        XCTAssertEqual(a.shape, b.shape, what)
        return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? .infinity
    }

    func assertFeaturesMatch(_ weights: CLIPWeights, _ reference: Reference, _ label: String,
                             file: StaticString = #filePath, line: UInt = #line) throws {
        let (prepool, _) = try weights.visualTrunk().forward(reference.image)
        XCTAssertLessThan(maxError(prepool, reference.prepool, "prepool"), 1e-3, "\(label): trunk features", file: file, line: line)
        XCTAssertLessThan(maxError(try weights.encodeImage(reference.image), reference.imageFeatures, "image"), 1e-3,
                          "\(label): image features", file: file, line: line)
        let text = try weights.textTransformer().forward(tokens: reference.tokens).sentence
        XCTAssertLessThan(maxError(text, reference.textFeatures, "text"), 1e-3, "\(label): text features", file: file, line: line)
        // The features are not trivially small: a 1e-3 match means something.
        XCTAssertGreaterThan(reference.imageFeatures.scalars.map(abs).max()!, 0.05, label)
        XCTAssertGreaterThan(reference.textFeatures.scalars.map(abs).max()!, 0.05, label)
    }

    func testTorchScriptArchiveAsOpenAIShipsIt() throws {
        let imported = try CLIPWeights.importCheckpoint(fixture("clip_torchscript.pt"))
        XCTAssertEqual(imported.format, .torchscript)
        XCTAssertEqual(imported.architecture, CLIPArchitecture(
            visionWidth: 4, visionLayers: [1, 2, 1, 1], visionHeads: 2, imageResolution: 64, embedDimension: 64,
            contextLength: 77, vocabularySize: 256, textWidth: 64, textHeads: 1, textLayers: 2))
        // The int64 buffers OpenAI's archive carries are read as numbers.
        XCTAssertEqual(imported.integers, ["context_length": 77, "vocab_size": 256, "input_resolution": 64])
        // Names recovered by walking the scripted module's attributes; the causal mask attribute is dropped.
        XCTAssertNotNil(imported.weights.visual.tensors["layer2.1.conv3.weight"])
        XCTAssertNotNil(imported.weights.visual.tensors["layer2.0.downsample.1.running_var"])
        XCTAssertNotNil(imported.weights.attentionPool.tensors["q_proj.weight"])
        XCTAssertNotNil(imported.weights.text.tensors["transformer.resblocks.1.attn.in_proj_weight"])
        XCTAssertFalse(imported.weights.text.tensors.keys.contains { $0.hasSuffix("attn_mask") })
        try assertFeaturesMatch(imported.weights, try Reference(fixture("clip_torchscript.features.safetensors")), "torchscript")
    }

    func testTorchSaveStateDict() throws {
        let imported = try CLIPWeights.importCheckpoint(fixture("clip_state_dict.pt"))
        XCTAssertEqual(imported.format, .torchStateDict)
        XCTAssertEqual(imported.architecture, CLIPArchitecture(
            visionWidth: 4, visionLayers: [1, 1, 1, 1], visionHeads: 2, imageResolution: 32, embedDimension: 32,
            contextLength: 77, vocabularySize: 128, textWidth: 64, textHeads: 1, textLayers: 1))
        try assertFeaturesMatch(imported.weights, try Reference(fixture("clip_state_dict.features.safetensors")), "state dict")
    }

    func testOpenCLIPSafetensors() throws {
        let imported = try CLIPWeights.importCheckpoint(fixture("open_clip_model.safetensors"))
        XCTAssertEqual(imported.format, .safetensors)
        XCTAssertEqual(imported.architecture.visionLayers, [1, 1, 2, 1])
        XCTAssertEqual(imported.architecture.embedDimension, 48)
        XCTAssertEqual(imported.architecture.vocabularySize, 200)
        XCTAssertEqual(imported.integers, [:])
        try assertFeaturesMatch(imported.weights, try Reference(fixture("open_clip.features.safetensors")), "open_clip")
    }

    /// The import writes what training loads: the HDF5 file gives the same features.
    func testImportedFileLoadsForTraining() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("clipimport-\(UUID()).hdf5").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        try CLIPWeights.importFile(fixture("clip_torchscript.pt"), to: out)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + ".partial"))
        let loaded = try CLIPWeights.load(path: out)
        XCTAssertEqual(try loaded.architecture().visionLayers, [1, 2, 1, 1])
        try assertFeaturesMatch(loaded, try Reference(fixture("clip_torchscript.features.safetensors")), "loaded")
    }

    /// open_clip's custom-text layout puts the text tower under `text.`; wrappers add `module.`.
    func testOpenCLIPTextPrefixAndWrapperPrefixes() {
        let t = Tensor.zeros([1])
        let w = CLIPWeights(stateDict: TensorDictionary([
            "text.token_embedding.weight": t, "text.transformer.resblocks.0.ln_1.weight": t, "text.text_projection": t,
            "module.visual.attnpool.c_proj.bias": t, "state_dict.module.visual.conv1.weight": t,
            "transformer.resblocks.0.attn_mask": t]))
        XCTAssertEqual(Set(w.text.tensors.keys), ["token_embedding.weight", "transformer.resblocks.0.ln_1.weight", "text_projection"])
        XCTAssertEqual(Set(w.attentionPool.tensors.keys), ["c_proj.bias"])
        XCTAssertEqual(Set(w.visual.tensors.keys), ["conv1.weight"])
    }

    /// Views keep their strides and offsets: a transpose, a strided slice, a row of an fp16 copy.
    func testStridedViewsOfSharedStorages() throws {
        let (format, contents) = try TorchCheckpoint.read(try ZipArchive(path: fixture("views.pt")))
        XCTAssertEqual(format, .torchStateDict)
        XCTAssertEqual(contents.floats["whole"]?.scalars, (0..<12).map(Float.init))
        XCTAssertEqual(contents.floats["transposed"], Tensor(shape: [4, 3], scalars: [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]))
        XCTAssertEqual(contents.floats["sliced"], Tensor(shape: [2, 2], scalars: [4, 6, 8, 10]))
        XCTAssertEqual(contents.floats["row"], Tensor(shape: [4], scalars: [8, 9, 10, 11]))
    }

    /// Deflated entries (the archive's code files) decompress and pass their CRC-32.
    func testDeflatedEntry() throws {
        let archive = try ZipArchive(path: fixture("clip_torchscript.pt"))
        let code = String(decoding: try archive.contents(of: "clip_torchscript/code/__torch__.py"), as: UTF8.self)
        XCTAssertTrue(code.hasPrefix("class CLIP(Module):"), String(code.prefix(40)))
    }

    // MARK: refusals, each with one message naming what was expected

    func assertRefused(_ path: String, saying phrases: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try CLIPWeights.importCheckpoint(path), file: file, line: line) { error in
            for phrase in phrases { XCTAssertTrue("\(error)".contains(phrase), "\(error)", file: file, line: line) }
        }
    }

    func write(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("clipimport-\(UUID()).pt").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testGarbageFileIsRefused() throws {
        assertRefused(try write(Array("this is not a checkpoint at all".utf8)),
                      saying: ["neither a PyTorch checkpoint", "RN50.pt", "open_clip_model.safetensors"])
    }

    func testIntegerOnlyFileIsRefused() {
        assertRefused(fixture("int64_only.pt"), saying: ["only integer tensors", "counts, step", "visual.conv1.weight"])
    }

    func testOtherNetworkIsRefused() {
        assertRefused(fixture("not_clip.pt"), saying: ["is not a CLIP checkpoint", "visual.conv1.weight", "'0.weight'"])
    }

    func testTruncatedArchiveIsRefused() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture("clip_state_dict.pt"))))
        assertRefused(try write(Array(bytes.prefix(bytes.count / 2))), saying: ["not a readable zip archive", "download it again"])
    }

    func testDamagedEntryIsRefused() throws {
        // Flip one byte inside the first storage: its CRC-32 no longer matches.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture("clip_state_dict.pt"))))
        let archive = try ZipArchive(path: fixture("clip_state_dict.pt"))
        let entry = archive.entries.first { $0.name.hasSuffix("/data/0") }!
        let h = entry.localHeaderOffset
        let dataStart = h + 30 + Int(bytes[h + 26]) + Int(bytes[h + 27]) << 8 + Int(bytes[h + 28]) + Int(bytes[h + 29]) << 8
        bytes[dataStart + 100] ^= 0xFF
        assertRefused(try write(bytes), saying: ["fails its CRC-32 check"])
    }

    /// Tokens outside the embedding table are refused instead of reading past it.
    func testTokensOutsideTheTableAreRefused() throws {
        let text = try CLIPWeights.importCheckpoint(fixture("clip_torchscript.pt")).weights.textTransformer()
        var tokens = [Int](repeating: 0, count: 77)
        tokens[0] = 254; tokens[1] = 256
        XCTAssertThrowsError(try text.forward(tokens: [tokens])) { error in
            XCTAssertEqual(error as? CLIPTextError, .tokenOutOfRange(id: 256, vocabularySize: 256))
        }
        tokens[1] = -1
        XCTAssertThrowsError(try text.forward(tokens: [tokens])) { error in
            XCTAssertEqual(error as? CLIPTextError, .tokenOutOfRange(id: -1, vocabularySize: 256))
        }
        XCTAssertThrowsError(try text.forward(tokens: [[1, 2]])) { error in
            XCTAssertEqual(error as? CLIPTextError, .wrongLength(sequence: 0, count: 2, contextLength: 77))
        }
    }
}
