/// One thing wrong with a dataset: the file (shard, folder or leftover) and what is wrong, with the fix.
public struct DatasetProblem: Codable, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var problem: String

    public init(file: String, problem: String) { self.file = file; self.problem = problem }

    public var description: String { "\(file): \(problem)" }
}

/// What `cliport dataset check` found.
public struct DatasetCheckReport: Codable, Sendable {
    public var path: String
    public var shards: Int
    public var episodes: Int
    public var steps: Int
    public var problems: [DatasetProblem]
    public var ok: Bool { problems.isEmpty }

    public var text: String {
        let head = "\(path): \(shards) shards, \(episodes) episodes, \(steps) steps"
        guard !ok else { return head + "; no problems found" }
        return ([head + "; \(problems.count) problem\(problems.count == 1 ? "" : "s"):"] + problems.map { "  " + $0.description })
            .joined(separator: "\n")
    }
}
