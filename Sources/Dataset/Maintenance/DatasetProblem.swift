import Core

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
    /// Facts that are not problems but limit what was checked (e.g. a shard without checksums in deep mode).
    public var notes: [DatasetProblem] = []
    public var ok: Bool { problems.isEmpty }

    public init(path: String, shards: Int, episodes: Int, steps: Int, problems: [DatasetProblem], notes: [DatasetProblem] = []) {
        self.path = path; self.shards = shards; self.episodes = episodes; self.steps = steps
        self.problems = problems; self.notes = notes
    }

    public var text: String {
        let head = "\(path): \(counted(shards, "shard")), \(counted(episodes, "episode")), \(counted(steps, "step"))"
        let noteLines = notes.map { "  note: " + $0.description }
        guard !ok else { return ([head + "; no problems found"] + noteLines).joined(separator: "\n") }
        return ([head + "; \(counted(problems.count, "problem")):"] + problems.map { "  " + $0.description } + noteLines)
            .joined(separator: "\n")
    }
}
