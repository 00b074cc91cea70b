import Core
import Foundation
import HDF5

/// The frozen CLIP RN50 weights CLIPort needs, imported once from a public checkpoint and kept in our
/// HDF5 format. OpenAI's state-dict names (`visual.conv1.weight`, `transformer.resblocks.0.…`,
/// `token_embedding.weight`, …) are what open_clip uses for RN50 as well; a `module.`, `state_dict.` or
/// `model.` prefix (from training wrappers) and open_clip's `text.` tower prefix are removed.
public struct CLIPWeights: Sendable {
    /// The visual trunk (`conv1.weight`, `layer1.0.…`), without the attention pool.
    public var visual: TensorDictionary
    /// The visual attention pool (`positional_embedding`, `q_proj.weight`, …, `c_proj.bias`): only
    /// `encodeImage` needs it, CLIPort's trunk features stop before it.
    public var attentionPool: TensorDictionary
    public var text: TensorDictionary

    static let textNames = ["token_embedding.weight", "positional_embedding", "ln_final.weight", "ln_final.bias", "text_projection"]

    public init(stateDict: TensorDictionary) {
        var visual: [String: Tensor] = [:], pool: [String: Tensor] = [:], text: [String: Tensor] = [:]
        for (rawName, t) in stateDict.tensors {
            let name = Self.canonicalName(rawName)
            if name.hasPrefix("visual.attnpool.") {
                pool[String(name.dropFirst("visual.attnpool.".count))] = t
            } else if name.hasPrefix("visual.") {
                visual[String(name.dropFirst("visual.".count))] = t
            } else if (name.hasPrefix("transformer.") && !name.hasSuffix(".attn_mask")) || Self.textNames.contains(name) {
                // attn_mask: the causal mask TorchScript archives keep as a tensor attribute; computed here.
                text[name] = t
            }
        }
        self.visual = TensorDictionary(visual); self.attentionPool = TensorDictionary(pool); self.text = TensorDictionary(text)
    }

    /// A checkpoint name without wrapper prefixes (`module.`, `state_dict.`, `model.`) or open_clip's
    /// `text.` tower prefix.
    static func canonicalName(_ raw: String) -> String {
        var name = raw
        var stripped = true
        while stripped {
            stripped = false
            for prefix in ["module.", "state_dict.", "model."] where name.hasPrefix(prefix) { name.removeFirst(prefix.count); stripped = true }
        }
        if name.hasPrefix("text."), Self.textNames.contains(where: { String(name.dropFirst(5)).hasPrefix($0) }) || name.hasPrefix("text.transformer.") {
            name.removeFirst(5)
        }
        return name
    }

    /// Imports a safetensors checkpoint.
    public static func importSafetensors(_ path: String) throws -> CLIPWeights {
        CLIPWeights(stateDict: try Safetensors.read(path))
    }

    /// Reads any CLIP checkpoint as shipped — OpenAI's TorchScript `RN50.pt`, a `torch.save` state
    /// dict, open_clip's `open_clip_model.safetensors` or another safetensors file — telling the format
    /// from the bytes, and checks that it is a ResNet CLIP whose integer facts agree with its shapes.
    public static func importCheckpoint(_ path: String) throws -> ImportedCLIP {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) }
        catch { throw SafetensorsError.unreadable(path: path, reason: error.localizedDescription) }
        let format: CheckpointFormat, contents: CheckpointTensors
        if ZipArchive.isZip(data) {
            (format, contents) = try TorchCheckpoint.read(try ZipArchive(path: path, data: data))
        } else if data.first == 0x80 {
            throw TorchCheckpointError.legacyFormat(path: path)
        } else if data.count > 9, data[data.startIndex + 8] == UInt8(ascii: "{") {
            (format, contents) = (.safetensors, try Safetensors.contents(path))
        } else {
            throw CLIPWeightsError.unrecognizedFile(path: path)
        }
        guard !contents.floats.isEmpty else {
            throw CLIPWeightsError.noWeights(path: path, integerTensors: contents.integers.keys.sorted())
        }
        let weights = CLIPWeights(stateDict: TensorDictionary(contents.floats))
        let canonical = Set(contents.floats.keys.map(canonicalName))
        if canonical.contains("visual.proj") || canonical.contains("visual.class_embedding") {
            throw CLIPWeightsError.visionTransformer(path: path)
        }
        // A file with no CLIP name at all is another network; one with some is an incomplete CLIP.
        let clipLike = canonical.contains { $0.hasPrefix("visual.") || $0.hasPrefix("transformer.resblocks.") || textNames.contains($0) }
        guard clipLike else {
            throw CLIPWeightsError.notCLIP(path: path, missing: "visual.conv1.weight", found: Array(contents.floats.keys.sorted().prefix(3)))
        }
        for required in ["visual.conv1.weight", "visual.layer1.0.conv1.weight", "visual.layer4.0.conv1.weight", "token_embedding.weight",
                         "positional_embedding", "ln_final.weight", "text_projection"] where !canonical.contains(required) {
            throw CLIPWeightsError.incompleteCheckpoint(path: path, missing: required)
        }
        let architecture = try weights.architecture()
        var integers: [String: Int64] = [:]
        for (name, value) in contents.integers where value.values.count == 1 { integers[canonicalName(name)] = value.values[0] }
        // OpenAI's archive also states these as int64 buffers: they must agree with the shapes.
        for (name, fromShapes) in [("context_length", architecture.contextLength), ("vocab_size", architecture.vocabularySize),
                                   ("input_resolution", architecture.imageResolution)] {
            if let stored = integers[name], let fromShapes, stored != Int64(fromShapes) {
                throw CLIPWeightsError.inconsistent(path: path, name: name, stored: Int(stored), fromShapes: fromShapes)
            }
        }
        return ImportedCLIP(format: format, weights: weights, architecture: architecture,
                            integers: integers.filter { ["context_length", "vocab_size", "input_resolution"].contains($0.key) })
    }

    /// Imports the checkpoint at `source` (any format `importCheckpoint` reads) into our HDF5 file at
    /// `destination`, durably and whole or not at all: the file is written beside it as `.partial`, read
    /// back (refusing a checkpoint that lacks what the model needs), then fsync'd and renamed over
    /// `destination`. On any failure the `.partial` is removed and an existing `destination` is left as it was.
    @discardableResult
    public static func importFile(_ source: String, to destination: String) throws -> ImportedCLIP {
        let imported = try importCheckpoint(source)
        let folder = (destination as NSString).deletingLastPathComponent
        if !folder.isEmpty { try DurableFile.makeFolder(folder) }
        let partial = destination + ".partial"
        do {
            let h5 = try HDF5File.create(partial, overwrite: true)
            try imported.weights.save(to: try h5.root())
            try h5.close()
            do { _ = try load(path: partial) } catch let CLIPWeightsError.incomplete(_, missing) {
                throw CLIPWeightsError.incompleteCheckpoint(path: source, missing: missing)
            }
            try DurableFile.commit(partial, to: destination)
        } catch {
            DurableFile.remove(partial)
            throw error
        }
        return imported
    }

    /// The architecture, read from the shapes.
    public func architecture() throws -> CLIPArchitecture {
        try CLIPArchitecture(visual: visual, attentionPool: attentionPool, text: text)
    }

    /// The visual trunk's width (64 for RN50) and blocks per layer ([3, 4, 6, 3]), read from the shapes.
    public var visualArchitecture: (width: Int, blocks: [Int]) {
        let width = (visual.tensors["conv3.weight"]?.shape.first) ?? 64
        let blocks = (1...4).map { layer in
            var n = 0
            while visual.tensors["layer\(layer).\(n).conv1.weight"] != nil { n += 1 }
            return n
        }
        return (width, blocks)
    }

    public func visualTrunk() throws -> CLIPVisualTrunk {
        let a = visualArchitecture
        return try CLIPVisualTrunk(weights: visual, width: a.width, blocks: a.blocks)
    }

    /// The text encoder; RN50 has 8 heads (width 512 / 64).
    public func textTransformer() throws -> CLIPTextTransformer {
        let width = try text.tensor("positional_embedding").shape[1]
        return try CLIPTextTransformer(weights: text, heads: max(1, width / 64))
    }

    /// CLIP's `encode_image`: the trunk, then the attention pool ([N, 3, R, R] -> [N, embed]).
    public func encodeImage(_ image: Tensor) throws -> Tensor {
        guard !attentionPool.tensors.isEmpty else { throw CLIPWeightsError.incomplete(path: "these weights", missing: "visual.attnpool") }
        let pool = try CLIPAttentionPool(weights: attentionPool, heads: try architecture().visionHeads)
        return try pool.forward(try visualTrunk().forward(image).output)
    }
}

/// A checkpoint read by `CLIPWeights.importCheckpoint`: its format, weights, the architecture its
/// shapes give, and the integer facts it stated (OpenAI's `context_length`, `vocab_size`,
/// `input_resolution` buffers), which agree with the architecture.
public struct ImportedCLIP: Sendable {
    public var format: CheckpointFormat
    public var weights: CLIPWeights
    public var architecture: CLIPArchitecture
    public var integers: [String: Int64]
}

/// Why CLIP weights could not be loaded, with the command that fixes it.
public enum CLIPWeightsError: Error, CustomStringConvertible, Equatable {
    case notImported(path: String)
    case incomplete(path: String, missing: String)
    case incompleteCheckpoint(path: String, missing: String)
    case unrecognizedFile(path: String)
    case noWeights(path: String, integerTensors: [String])
    case notCLIP(path: String, missing: String, found: [String])
    case visionTransformer(path: String)
    case inconsistent(path: String, name: String, stored: Int, fromShapes: Int)

    public var description: String {
        switch self {
        case let .notImported(path):
            return "no CLIP weights at \(path); the cliport model needs OpenAI's RN50 weights: run `cliport weights import RN50.pt --out \(path)` once with OpenAI's RN50.pt or open_clip's open_clip_model.safetensors (see docs/weights.md; the transporter models need none)"
        case let .incomplete(path, missing):
            return "the CLIP weights in \(path) lack '\(missing)'; re-import a complete RN50 checkpoint with `cliport weights import FILE`"
        case let .incompleteCheckpoint(path, missing):
            return "\(path) lacks '\(missing)', which the cliport model needs; import a complete CLIP RN50 checkpoint (no weights were written)"
        case let .unrecognizedFile(path):
            return "\(path) is neither a PyTorch checkpoint (zip) nor a safetensors file; expected OpenAI's CLIP RN50.pt (TorchScript), a torch.save state dict of CLIP, or open_clip's open_clip_model.safetensors (no weights were written)"
        case let .noWeights(path, names):
            return "\(path) holds only integer tensors (\(names.prefix(4).joined(separator: ", "))), no weights; expected CLIP RN50's floating-point weights such as visual.conv1.weight and token_embedding.weight (no weights were written)"
        case let .notCLIP(path, missing, found):
            return "\(path) is not a CLIP checkpoint: it has no '\(missing)' nor any other CLIP name (it holds tensors such as \(found.map { "'\($0)'" }.joined(separator: ", "))); expected OpenAI's CLIP RN50 names (visual.layer1.0.conv1.weight, visual.attnpool.*, token_embedding.weight, transformer.resblocks.N.*, text_projection), as in OpenAI's RN50.pt or open_clip's open_clip_model.safetensors (no weights were written)"
        case let .visionTransformer(path):
            return "\(path) is a ViT CLIP (it has visual.proj/visual.class_embedding); CLIPort uses the ResNet CLIP: import RN50.pt instead (no weights were written)"
        case let .inconsistent(path, name, stored, fromShapes):
            return "\(path) states \(name) = \(stored) but its tensors' shapes give \(fromShapes); the checkpoint is damaged — download it again (no weights were written)"
        }
    }
}

extension CLIPWeights {
    /// Stores the weights in our HDF5 format: groups `visual`, `text` and (when present) `attnpool`, one dataset per tensor.
    public func save(to group: HDF5Group) throws {
        for (name, dict) in [("visual", visual), ("text", text), ("attnpool", attentionPool)] where name != "attnpool" || !dict.tensors.isEmpty {
            let g = try group.groupCreatingIfNeeded(name)
            for (key, t) in dict.tensors.sorted(by: { $0.key < $1.key }) {
                if g.contains(key) { try g.removeMember(key) }
                try g.writeDataset(key, t.scalars, shape: t.shape)
            }
        }
    }

    /// Loads weights saved by `save(to:)` from the file at `path`, or explains how to import them.
    public static func load(path: String) throws -> CLIPWeights {
        guard FileManager.default.fileExists(atPath: path) else { throw CLIPWeightsError.notImported(path: path) }
        let file = try HDF5File.open(path)
        guard try file.root().contains("visual"), try file.root().contains("text") else {
            throw CLIPWeightsError.incomplete(path: path, missing: "visual or text group")
        }
        var w = CLIPWeights(stateDict: TensorDictionary())
        w.visual = try TensorDictionary.load(from: try file.group("visual"))
        w.text = try TensorDictionary.load(from: try file.group("text"))
        // Files imported before the attention pool was kept have none; only encodeImage needs it.
        if try file.root().contains("attnpool") { w.attentionPool = try TensorDictionary.load(from: try file.group("attnpool")) }
        for required in ["conv1.weight", "layer4.0.conv1.weight"] where w.visual.tensors[required] == nil {
            throw CLIPWeightsError.incomplete(path: path, missing: "visual." + required)
        }
        for required in ["token_embedding.weight", "text_projection"] where w.text.tensors[required] == nil {
            throw CLIPWeightsError.incomplete(path: path, missing: required)
        }
        return w
    }
}
