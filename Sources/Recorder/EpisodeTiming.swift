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
