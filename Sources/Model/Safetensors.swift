import Foundation
import HDF5

/// Reader for the safetensors format (8-byte little-endian header size, a JSON header mapping names to
/// {dtype, shape, data_offsets}, then the raw little-endian data), the format public CLIP weights are
/// shared in. F32, F16 and BF16 tensors are read as Float32; others are rejected by name.
public enum SafetensorsError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)
    case unsupportedType(name: String, dtype: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason); check the path and permissions"
        case let .malformed(path, reason):
            return "\(path) is not a valid safetensors file (\(reason)); re-export the weights with safetensors.torch.save_file"
        case let .unsupportedType(name, dtype):
            return "tensor '\(name)' has type \(dtype); only F32, F16 and BF16 weights can be imported — convert the checkpoint to float first"
        }
    }
}

public enum Safetensors {
    /// Every floating-point tensor of the file, by name (the `__metadata__` entry is skipped).
    public static func read(_ path: String) throws -> TensorDictionary {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe) }
        catch { throw SafetensorsError.unreadable(path: path, reason: error.localizedDescription) }
        guard data.count >= 8 else { throw SafetensorsError.malformed(path: path, reason: "shorter than its 8-byte header size") }
        let headerSize = data.prefix(8).enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
        guard headerSize > 0, 8 + headerSize <= data.count else {
            throw SafetensorsError.malformed(path: path, reason: "header size \(headerSize) exceeds the file")
        }
        guard let header = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerSize))) as? [String: Any] else {
            throw SafetensorsError.malformed(path: path, reason: "header is not a JSON object")
        }
        let base = 8 + headerSize
        var out: [String: Tensor] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = (entry["shape"] as? [NSNumber])?.map({ $0.intValue }),
                  let offsets = (entry["data_offsets"] as? [NSNumber])?.map({ $0.intValue }), offsets.count == 2 else {
                throw SafetensorsError.malformed(path: path, reason: "entry '\(name)' lacks dtype, shape or data_offsets")
            }
            let count = shape.reduce(1, *)
            let width: Int
            switch dtype {
            case "F32": width = 4
            case "F16", "BF16": width = 2
            default: throw SafetensorsError.unsupportedType(name: name, dtype: dtype)
            }
            guard offsets[1] - offsets[0] == count * width, base + offsets[1] <= data.count else {
                throw SafetensorsError.malformed(path: path, reason: "entry '\(name)' has offsets \(offsets) for \(count) \(dtype) values")
            }
            var scalars = [Float](repeating: 0, count: count)
            data.withUnsafeBytes { raw in
                let p = raw.baseAddress! + base + offsets[0]
                for i in 0..<count {
                    switch dtype {
                    case "F32":
                        scalars[i] = Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                    case "F16":
                        scalars[i] = halfToFloat(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                    default:
                        scalars[i] = Float(bitPattern: UInt32(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
                    }
                }
            }
            out[name] = Tensor(shape: shape, scalars: scalars)
        }
        return TensorDictionary(out)
    }

    /// IEEE 754 binary16 to Float (bit manipulation: `Float16` is not available on every platform).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31
        let exponent = Int((h >> 10) & 0x1F)
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0 {
            if mantissa == 0 { return Float(bitPattern: sign) }
            let v = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)   // subnormal
            return sign != 0 ? -v : v
        }
        if exponent == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        return Float(bitPattern: sign | (UInt32(exponent + 112) << 23) | (mantissa << 13))
    }
}

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

    public var description: String {
        switch self {
        case let .notImported(path):
            return "no CLIP weights at \(path); the cliport model needs OpenAI's RN50 weights: download RN50 as safetensors and run `cliport weights import RN50.safetensors` (the transporter models need none)"
        case let .incomplete(path, missing):
            return "the CLIP weights in \(path) lack '\(missing)'; re-import a complete RN50 checkpoint with `cliport weights import FILE`"
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
