/// Which models a benchmark trains: one per task, one over all tasks, or both.
public enum BenchmarkMode: String, CaseIterable, Codable, Sendable {
    case single
    case multi
    case both

    public var trainsSingle: Bool { self != .multi }
    public var trainsMulti: Bool { self != .single }
}
