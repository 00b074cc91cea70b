import Core
import Foundation

/// OUT/timings.json: wall and CPU seconds spent in each stage of a benchmark ("train single/<task>",
/// "val multi <task>", …), summed over the sessions that worked on it. Kept apart from the table, which
/// depends only on the plan.
struct StageTimes: Codable, Equatable {
    struct Time: Codable, Equatable {
        var wallSeconds = 0.0
        var cpuSeconds = 0.0
    }

    var stages: [String: Time] = [:]

    static func load(_ path: String) -> StageTimes {
        guard let data = FileManager.default.contents(atPath: path) else { return StageTimes() }
        return (try? BenchmarkPlan.decoder().decode(StageTimes.self, from: data)) ?? StageTimes()
    }

    /// Adds `wallSeconds` and `cpuSeconds` to `stage` and saves.
    mutating func add(_ stage: String, wallSeconds: Double, cpuSeconds: Double, saveTo path: String) throws {
        var time = stages[stage] ?? Time()
        time.wallSeconds += wallSeconds
        time.cpuSeconds += cpuSeconds
        stages[stage] = time
        try DurableFile.write(try BenchmarkPlan.encoder().encode(self), to: path)
    }
}
