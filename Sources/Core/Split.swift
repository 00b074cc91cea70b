/// A dataset split and CLIPort's seeds for it (`demos.py`): train 0, 2, 4, ...; val 1, 3, 5, ...;
/// test 10001, 10003, ...
public enum Split: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable {
    case train, val, test

    /// The seed of the `episode`-th episode (0-based) of this split.
    public func seed(episode: Int) -> Int {
        switch self {
        case .train: return 2 * episode
        case .val: return 2 * episode + 1
        case .test: return 10_001 + 2 * episode
        }
    }
}
