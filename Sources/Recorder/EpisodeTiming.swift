import Foundation
import Sim

/// Where one episode's time went, in seconds.
public struct EpisodeTiming: Codable, Equatable, Sendable {
    public var physics = 0.0
    public var rendering = 0.0
    public var oracle = 0.0
    public var fusion = 0.0
    public var writing = 0.0

    public init() {}

    public var total: Double { physics + rendering + oracle + fusion + writing }

    public static func + (a: EpisodeTiming, b: EpisodeTiming) -> EpisodeTiming {
        var s = a
        s.physics += b.physics; s.rendering += b.rendering; s.oracle += b.oracle
        s.fusion += b.fusion; s.writing += b.writing
        return s
    }

    mutating func add(_ sim: SimTiming) {
        physics += sim.physicsSeconds
        rendering += sim.renderSeconds
        oracle += sim.oracleSeconds
    }
}

/// Monotonic wall-clock seconds.
func monotonicNow() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// CPU seconds (user + system) this process has used.
public func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
}
