import Core
import Foundation
import HDF5

/// The frozen CLIP RN50 weights CLIPort needs, imported once from a public checkpoint and kept in our
/// HDF5 format. OpenAI's state-dict names (`visual.conv1.weight`, `transformer.resblocks.0.…`,
/// `token_embedding.weight`, …) are what open_clip uses for RN50 as well; a `module.` or `state_dict.`
/// prefix (from training wrappers) is removed.
public struct CLIPWeights: Sendable {
    public var visual: TensorDictionary
    public var text: TensorDictionary

    public init(stateDict: TensorDictionary) {
        var visual: [String: Tensor] = [:], text: [String: Tensor] = [:]
        for (rawName, t) in stateDict.tensors {
            var name = rawName
            for prefix in ["module.", "state_dict.", "model."] where name.hasPrefix(prefix) { name.removeFirst(prefix.count) }
            if name.hasPrefix("visual.") {
                if !name.hasPrefix("visual.attnpool.") { visual[String(name.dropFirst("visual.".count))] = t }
            } else if name.hasPrefix("transformer.") || ["token_embedding.weight", "positional_embedding",
                                                          "ln_final.weight", "ln_final.bias", "text_projection"].contains(name) {
                text[name] = t
            }
        }
        self.visual = TensorDictionary(visual); self.text = TensorDictionary(text)
    }

    /// Imports a safetensors checkpoint.
    public static func importSafetensors(_ path: String) throws -> CLIPWeights {
        CLIPWeights(stateDict: try Safetensors.read(path))
    }

    /// Imports the safetensors checkpoint at `source` into our HDF5 file at `destination`, durably and
    /// whole or not at all: the file is written beside it as `.partial`, read back (refusing a checkpoint
    /// that lacks what the model needs), then fsync'd and renamed over `destination`. On any failure the
    /// `.partial` is removed and an existing `destination` is left as it was.
    @discardableResult
    public static func importFile(_ source: String, to destination: String) throws -> CLIPWeights {
        let weights = try importSafetensors(source)
        let folder = (destination as NSString).deletingLastPathComponent
        if !folder.isEmpty { try DurableFile.makeFolder(folder) }
        let partial = destination + ".partial"
        do {
            let h5 = try HDF5File.create(partial, overwrite: true)
            try weights.save(to: try h5.root())
            try h5.close()
            do { _ = try load(path: partial) } catch let CLIPWeightsError.incomplete(_, missing) {
                throw CLIPWeightsError.incompleteCheckpoint(path: source, missing: missing)
            }
            try DurableFile.commit(partial, to: destination)
        } catch {
            DurableFile.remove(partial)
            throw error
        }
        return weights
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
}

/// Why CLIP weights could not be loaded, with the command that fixes it.
public enum CLIPWeightsError: Error, CustomStringConvertible, Equatable {
    case notImported(path: String)
    case incomplete(path: String, missing: String)
    case incompleteCheckpoint(path: String, missing: String)

    public var description: String {
        switch self {
        case let .notImported(path):
            return "no CLIP weights at \(path); the cliport model needs OpenAI's RN50 weights: download RN50 as safetensors and run `cliport weights import RN50.safetensors` (the transporter models need none)"
        case let .incomplete(path, missing):
            return "the CLIP weights in \(path) lack '\(missing)'; re-import a complete RN50 checkpoint with `cliport weights import FILE`"
        case let .incompleteCheckpoint(path, missing):
            return "\(path) lacks '\(missing)', which the cliport model needs; import a complete CLIP RN50 checkpoint (no weights were written)"
        }
    }
}

extension CLIPWeights {
    /// Stores the weights in our HDF5 format: groups `visual` and `text`, one dataset per tensor.
    public func save(to group: HDF5Group) throws {
        for (name, dict) in [("visual", visual), ("text", text)] {
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
        for required in ["conv1.weight", "layer4.0.conv1.weight"] where w.visual.tensors[required] == nil {
            throw CLIPWeightsError.incomplete(path: path, missing: "visual." + required)
        }
        for required in ["token_embedding.weight", "text_projection"] where w.text.tensors[required] == nil {
            throw CLIPWeightsError.incomplete(path: path, missing: required)
        }
        return w
    }
}
