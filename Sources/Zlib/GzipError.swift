/// Why a gzip file could not be read, with what to do about it.
public enum GzipError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "cannot read \(path): \(reason); check the path and permissions"
        case let .malformed(path, reason): return "\(path) is not a valid gzip file (\(reason)); download it again"
        }
    }
}
