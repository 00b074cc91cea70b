import Core

/// Why a loader cannot start or stopped, each naming the problem and the fix.
public enum LoaderError: Error, CustomStringConvertible, Equatable {
    /// A multi-task group names a task whose `<root>/<task>-<split>/` folder is missing or empty.
    case missingTaskFolder(folder: String, task: String, split: Split, group: String, root: String)
    /// A group name that is not one of CLIPort's.
    case unknownGroup(String)
    /// `nDemos` asks for more episodes than a single-task dataset has.
    case notEnoughEpisodes(path: String, available: Int, requested: Int)
    /// A dataset without any step to sample.
    case emptyDataset(path: String)
    /// A setting out of its range.
    case badConfiguration(String)
    /// The heightmaps of a dataset are not the size the loader was built for.
    case shapeMismatch(path: String, detail: String)

    public var description: String {
        switch self {
        case let .missingTaskFolder(folder, task, split, group, root):
            return "group \(group) needs \(folder) (task \(task), split \(split.rawValue)) but it is missing or holds no *.hdf5 shards; "
                + "make it with `cliport demos --task \(task) --split \(split.rawValue) --n 100 --out \(root)`"
        case let .unknownGroup(name):
            return "\(name) is not a multi-task group; use one of \(TaskGroup.groupNames.joined(separator: ", ")) "
                + "or a single task's dataset folder"
        case let .notEnoughEpisodes(path, available, requested):
            return "\(path) has \(available) episodes but \(requested) were requested with --n-demos; "
                + "lower --n-demos or generate more with `cliport demos ... --n \(requested)`"
        case let .emptyDataset(path):
            return "\(path) holds no steps to sample; generate episodes with `cliport demos`"
        case let .badConfiguration(detail):
            return "loader configuration: \(detail)"
        case let .shapeMismatch(path, detail):
            return "\(path): \(detail); a loader's datasets must share one heightmap size: regenerate the odd one with `cliport demos`"
        }
    }
}
