import Core
import HDF5

/// What every dataset file (a shard, an assembled shard, a merged index) holds at its root: the schema
/// version, the generator, the creation time and the header, and robomimic's masks.
enum ShardRootAttributes {
    static func write(to root: HDF5Group, header: DatasetHeader, envArgs: String, created: String) throws {
        typealias A = DatasetLayout.FileAttribute
        try root.attributes.set(A.schemaVersion, header.schemaVersion)
        try root.attributes.set(A.generator, header.generator)
        try root.attributes.set(A.created, created)
        try root.attributes.set(A.envArgs, envArgs)
    }

    /// Every demo goes to `mask/train` for the train split and to `mask/valid` for the val split; test
    /// shards leave both empty (CLIPort keeps splits in separate datasets).
    static func defaultMasks(split: String, demos: [String]) -> (train: [String], valid: [String]) {
        (split == Split.train.rawValue ? demos : [], split == Split.val.rawValue ? demos : [])
    }

    /// Writes (or replaces) `mask/train` and `mask/valid`.
    static func writeMasks(in root: HDF5Group, train: [String], valid: [String]) throws {
        let mask = try root.groupCreatingIfNeeded(DatasetLayout.maskGroup)
        for (key, names) in [(DatasetLayout.MaskKey.train, train), (DatasetLayout.MaskKey.valid, valid)] {
            if mask.contains(key) { try mask.removeMember(key) }
            try mask.writeStrings(key, names)
        }
    }

    /// The masks of a file (empty when absent).
    static func readMasks(_ root: HDF5Group) throws -> (train: Set<String>, valid: Set<String>) {
        func read(_ key: String) throws -> Set<String> {
            let path = "\(DatasetLayout.maskGroup)/\(key)"
            return root.contains(path) ? Set(try root.dataset(path).readStrings()) : []
        }
        return (try read(DatasetLayout.MaskKey.train), try read(DatasetLayout.MaskKey.valid))
    }
}
