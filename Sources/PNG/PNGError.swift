/// A PNG read or write failed; `message` is libpng's own text.
public enum PNGError: Error, CustomStringConvertible, Equatable {
    case failed(operation: String, path: String, message: String)
    case badPixels(path: String, detail: String)

    public var description: String {
        switch self {
        case let .failed(operation, path, message):
            var text = "PNG: cannot \(operation) \(path): \(message)"
            if message.contains("No such file or directory") { text += " (check that the folder exists)" }
            if message.contains("Permission denied") { text += " (choose a writable folder)" }
            if message.contains("No space left") { text += " (the disk is full: free space or write elsewhere)" }
            return text
        case let .badPixels(path, detail):
            return "PNG: cannot write \(path): \(detail)"
        }
    }
}
