import HDF5

/// Named tensors loaded from HDF5 (a state dict): the frozen CLIP weights live here rather than in
/// `Parameter`s, since nothing trains them and no gradients are kept.
public struct TensorDictionary: Sendable {
    public var tensors: [String: Tensor]

    public init(_ tensors: [String: Tensor] = [:]) { self.tensors = tensors }

    /// Every dataset of `group` whose name starts with `prefix` (the prefix is removed from the key).
    public static func load(from group: HDF5Group, prefix: String = "") throws -> TensorDictionary {
        var out: [String: Tensor] = [:]
        for name in try group.memberNames() where name.hasPrefix(prefix) && group.kind(of: name) == .dataset {
            out[String(name.dropFirst(prefix.count))] = try ParameterStore.tensor(name, in: group)
        }
        return TensorDictionary(out)
    }

    /// The tensor called `name`, checked against an expected shape when given.
    public func tensor(_ name: String, shape: [Int]? = nil) throws -> Tensor {
        guard let t = tensors[name] else { throw ParameterStoreError.missing(name: name, group: "the weight file") }
        if let shape, t.shape != shape { throw ParameterStoreError.shapeMismatch(name: name, expected: shape, found: t.shape) }
        return t
    }
}
