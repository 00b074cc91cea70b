import Foundation

/// Why a PyTorch checkpoint could not be read.
public enum TorchCheckpointError: Error, CustomStringConvertible, Equatable {
    case noPickle(path: String)
    case legacyFormat(path: String)
    case unsupportedStorage(path: String, name: String, type: String)
    case badTensor(path: String, name: String, reason: String)

    public var description: String {
        switch self {
        case let .noPickle(path):
            return "\(path) is a zip archive without a data.pkl, so not a PyTorch checkpoint; pass OpenAI's RN50.pt, a torch.save state dict or open_clip's open_clip_model.safetensors"
        case let .legacyFormat(path):
            return "\(path) is a PyTorch checkpoint in the pre-1.6 (non-zip) format; re-save it with torch.save(torch.load(path)) in PyTorch 1.6 or later"
        case let .unsupportedStorage(path, name, type):
            return "tensor '\(name)' in \(path) is stored as \(type); only float (32/16/bfloat16/64) and integer storages can be imported — convert the checkpoint to float first"
        case let .badTensor(path, name, reason):
            return "tensor '\(name)' in \(path) is damaged (\(reason)); download the checkpoint again"
        }
    }
}

/// The named tensors of a checkpoint: floating-point ones as Float32 tensors, integer ones (OpenAI's
/// `input_resolution`, `context_length`, `vocab_size`, batch norms' `num_batches_tracked`) as numbers.
public struct CheckpointTensors: Sendable {
    public var floats: [String: Tensor] = [:]
    public var integers: [String: (shape: [Int], values: [Int64])] = [:]
    public init() {}
}

/// What kind of file a weight file is, as read from its bytes.
public enum CheckpointFormat: String, Codable, Sendable, CaseIterable {
    /// `torch.jit.save` of a scripted or traced module (OpenAI's RN50.pt): a zip with code/ and data.pkl.
    case torchscript
    /// `torch.save` of a state dict: a zip with data.pkl and data/N storages.
    case torchStateDict = "torch-state-dict"
    case safetensors
}

/// PyTorch's zip checkpoints, read without PyTorch: `<archive>/data.pkl` is unpickled, its persistent
/// ids resolve to `<archive>/data/<key>` storages, and tensors are cut out of them by size, stride and
/// offset. A TorchScript archive's pickle is the module object tree; walking its attributes gives the
/// state-dict names (`visual.layer1.0.conv1.weight`). A state dict is a (possibly nested) dict.
public enum TorchCheckpoint {
    public static func read(_ archive: ZipArchive) throws -> (format: CheckpointFormat, tensors: CheckpointTensors) {
        // Every entry lives under one folder named after the file when saved ("RN50/", "archive/").
        guard let pickle = archive.entries.map(\.name).filter({ $0 == "data.pkl" || $0.hasSuffix("/data.pkl") })
            .min(by: { $0.count < $1.count }) else {
            throw TorchCheckpointError.noPickle(path: archive.path)
        }
        let prefix = String(pickle.dropLast("data.pkl".count))
        let isScript = archive.entries.contains { $0.name.hasPrefix(prefix + "code/") } || archive.contains(prefix + "constants.pkl")
        let root = try PickleReader.read([UInt8](try archive.contents(of: pickle)), source: archive.path + ":" + pickle)
        var named: [(String, PickleTensor)] = []
        collect(root, prefix: "", into: &named, depth: 0)
        var storages: [String: Data] = [:]
        var out = CheckpointTensors()
        for (name, t) in named {
            if storages[t.storage.key] == nil {
                storages[t.storage.key] = try archive.contents(of: prefix + "data/" + t.storage.key)
            }
            try materialize(t, name: name, storage: storages[t.storage.key]!, path: archive.path, into: &out)
        }
        return (isScript ? .torchscript : .torchStateDict, out)
    }

    /// Tensors reachable from `value` with their dotted names. Module objects contribute their
    /// attributes (TorchScript) or their `_parameters`/`_buffers`/`_modules` (a pickled nn.Module).
    static func collect(_ value: PickleValue, prefix: String, into out: inout [(String, PickleTensor)], depth: Int) {
        guard depth < 64 else { return }
        func entries(_ d: PickleDict) {
            for (k, v) in d.entries {
                guard case let .string(key) = k else { continue }
                let transparent = ["_parameters", "_buffers", "_modules"].contains(key)
                collect(v, prefix: transparent ? prefix : prefix + key + ".", into: &out, depth: depth + 1)
            }
        }
        switch value {
        case let .tensor(t): out.append((String(prefix.dropLast()), t))
        case let .dict(d): entries(d)
        case let .object(o):
            if case let .dict(d)? = o.state { entries(d) }
        default: break
        }
    }

    enum Element { case float32, float16, bfloat16, float64, int64, int32, int16, int8, uint8, bool }

    static func element(_ type: String) -> (Element, Int)? {
        switch type {
        case "FloatStorage": return (.float32, 4)
        case "HalfStorage": return (.float16, 2)
        case "BFloat16Storage": return (.bfloat16, 2)
        case "DoubleStorage": return (.float64, 8)
        case "LongStorage": return (.int64, 8)
        case "IntStorage": return (.int32, 4)
        case "ShortStorage": return (.int16, 2)
        case "CharStorage": return (.int8, 1)
        case "ByteStorage": return (.uint8, 1)
        case "BoolStorage": return (.bool, 1)
        default: return nil
        }
    }

    static func materialize(_ t: PickleTensor, name: String, storage: Data, path: String, into out: inout CheckpointTensors) throws {
        guard let (element, width) = element(t.storage.type) else {
            throw TorchCheckpointError.unsupportedStorage(path: path, name: name, type: t.storage.type)
        }
        func bad(_ reason: String) -> TorchCheckpointError { .badTensor(path: path, name: name, reason: reason) }
        guard storage.count >= t.storage.count * width else {
            throw bad("its storage holds \(storage.count) bytes, \(t.storage.count) elements of \(width) bytes declared")
        }
        guard t.shape.allSatisfy({ $0 >= 0 }), t.strides.allSatisfy({ $0 >= 0 }), t.offset >= 0 else {
            throw bad("negative size, stride or offset")
        }
        // The count and the farthest element, checked without overflow against the storage.
        var count = 1, last = t.offset
        for (size, stride) in zip(t.shape, t.strides) {
            let (c, o1) = count.multipliedReportingOverflow(by: size)
            let (reach, o2) = max(0, size - 1).multipliedReportingOverflow(by: stride)
            guard !o1, !o2, c <= t.storage.count || size == 0 else { throw bad("size \(t.shape) exceeds its storage") }
            count = c; last += reach
        }
        guard count == 0 || last < t.storage.count else {
            throw bad("size \(t.shape), stride \(t.strides), offset \(t.offset) reach past its \(t.storage.count) elements")
        }
        // Element indices in row-major order of the view (a contiguous view needs none).
        let contiguous = t.shape.indices.allSatisfy { d in t.shape[d] <= 1 || t.strides[d] == t.shape[(d + 1)...].reduce(1, *) }
        var indices: [Int] = []
        if !contiguous && count > 0 {
            indices.reserveCapacity(count)
            var position = [Int](repeating: 0, count: t.shape.count)
            var index = t.offset
            for _ in 0..<count {
                indices.append(index)
                var d = t.shape.count - 1
                while d >= 0 {
                    position[d] += 1; index += t.strides[d]
                    if position[d] < t.shape[d] { break }
                    index -= t.strides[d] * t.shape[d]; position[d] = 0; d -= 1
                }
            }
        }
        storage.withUnsafeBytes { raw in
            let p = raw.baseAddress!
            @inline(__always) func at(_ k: Int) -> Int { contiguous ? t.offset + k : indices[k] }
            @inline(__always) func load<T: FixedWidthInteger>(_ k: Int, _: T.Type) -> T {
                T(littleEndian: p.loadUnaligned(fromByteOffset: at(k) * width, as: T.self))
            }
            switch element {
            case .float32, .float16, .bfloat16, .float64:
                let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, n in
                    switch element {
                    case .float32: for k in 0..<count { buffer[k] = Float(bitPattern: load(k, UInt32.self)) }
                    case .float16: for k in 0..<count { buffer[k] = Safetensors.halfToFloat(load(k, UInt16.self)) }
                    case .bfloat16: for k in 0..<count { buffer[k] = Float(bitPattern: UInt32(load(k, UInt16.self)) << 16) }
                    default: for k in 0..<count { buffer[k] = Float(Double(bitPattern: load(k, UInt64.self))) }
                    }
                    n = count
                }
                out.floats[name] = Tensor(shape: t.shape, scalars: scalars)
            default:
                let values: [Int64] = (0..<count).map { k in
                    switch element {
                    case .int64: return load(k, Int64.self)
                    case .int32: return Int64(load(k, Int32.self))
                    case .int16: return Int64(load(k, Int16.self))
                    case .int8: return Int64(load(k, Int8.self))
                    default: return Int64(load(k, UInt8.self))
                    }
                }
                out.integers[name] = (t.shape, values)
            }
        }
    }
}
