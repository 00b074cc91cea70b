import HDF5

/// Reading and writing named parameters as HDF5 datasets: our checkpoints, and weights saved from
/// PyTorch under their state-dict names (one dataset per tensor, float32, the tensor's shape).
public enum ParameterStoreError: Error, CustomStringConvertible, Equatable {
    case missing(name: String, group: String)
    case shapeMismatch(name: String, expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case let .missing(name, group):
            return "parameter '\(name)' is not in \(group); the file was written for a different network or width — rebuild the network with the settings it was saved with"
        case let .shapeMismatch(name, expected, found):
            return "parameter '\(name)' has shape \(found) in the file but the network expects \(expected); check the model's width multiplier and channel counts"
        }
    }
}

public enum ParameterStore {
    /// Writes each parameter as a float32 dataset named by its `name` (dots kept) in `group`.
    public static func save(_ parameters: [Parameter], to group: HDF5Group) throws {
        for p in parameters {
            if group.contains(p.name) { try group.removeMember(p.name) }
            _ = try group.writeDataset(p.name, p.value.scalars, shape: p.value.shape)
        }
    }

    /// Reads a tensor dataset.
    public static func tensor(_ name: String, in group: HDF5Group) throws -> Tensor {
        guard group.contains(name) else { throw ParameterStoreError.missing(name: name, group: group.path) }
        let d = try group.dataset(name)
        return Tensor(shape: d.shape, scalars: try d.read(as: Float.self))
    }

    /// Sets every parameter's value from the dataset of the same name in `group`.
    public static func load(_ parameters: [Parameter], from group: HDF5Group) throws {
        for p in parameters {
            let t = try tensor(p.name, in: group)
            guard t.shape == p.value.shape else {
                throw ParameterStoreError.shapeMismatch(name: p.name, expected: p.value.shape, found: t.shape)
            }
            p.value = t
        }
    }
}
