/// What `cliport serve` refuses, each naming the problem and the fix.
public enum ServeError: Error, CustomStringConvertible, Equatable {
    case missing(path: String)
    case noDatasets(path: String)
    case noRuns(path: String)
    case nothingToServe
    case notFound(String)
    case wrongHost(authority: String, urls: [String])
    case listen(address: String, reason: String)

    public var description: String {
        switch self {
        case let .missing(path):
            return "\(path) does not exist; give a folder written by `cliport demos`, `cliport capture` or `cliport train`"
        case let .noDatasets(path):
            return "\(path) holds no dataset (no *.hdf5 in it or in its subfolders); give a folder made by `cliport demos` or `cliport capture`, or their parent"
        case let .noRuns(path):
            return "\(path) holds no training run (no metrics.jsonl or config.json in it or in its subfolders); give a folder made by `cliport train --out`, or its parent"
        case .nothingToServe:
            return "nothing to serve; give --data DIR (datasets) and/or --runs DIR (training runs)"
        case let .notFound(what):
            return "\(what) does not exist"
        case let .wrongHost(authority, urls):
            return "unexpected Host '\(authority)', which is not this machine: open the page at \(urls.joined(separator: " or "))"
        case let .listen(address, reason):
            return "cannot serve on \(address): \(reason); choose another --port"
        }
    }

    var httpStatus: Int {
        switch self {
        case .notFound: return 404
        case .wrongHost: return 421
        default: return 500
        }
    }
}
