import Foundation

/// Temporary folders a test makes (`<tmp>/<prefix>-<label>-<UUID>`) and removes in its tearDown.
public final class TemporaryFolders {
    public let prefix: String
    public private(set) var made: [String] = []

    public init(prefix: String) { self.prefix = prefix }

    /// Creates a new empty folder and returns its path.
    public func make(_ label: String) -> String {
        let path = NSTemporaryDirectory() + "\(prefix)-\(label)-" + UUID().uuidString
        made.append(path)
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Removes every folder made so far.
    public func removeAll() {
        for folder in made { try? FileManager.default.removeItem(atPath: folder) }
        made = []
    }
}
