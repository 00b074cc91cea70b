import Core
import Foundation

/// Time spent in each part of the simulator, accumulated until the caller resets it. Wall seconds and
/// process CPU seconds are both kept: rendering runs on Mesa llvmpipe's worker threads, so its CPU time
/// can exceed its wall time, and on a busy machine wall time overstates the work.
public struct SimTiming: Equatable, Sendable {
    /// MuJoCo model compilation, stepping, forward passes and contact queries.
    public var physicsSeconds: Double = 0
    public var physicsCPUSeconds: Double = 0
    /// Offscreen rendering of camera frames (render, read-back, row flip, depth linearisation).
    public var renderSeconds: Double = 0
    public var renderCPUSeconds: Double = 0
    /// Task reset (free-space placement) and the oracle's top-down rasterisation.
    public var oracleSeconds: Double = 0
    public var oracleCPUSeconds: Double = 0
    public var physicsSteps: Int = 0
    public var framesRendered: Int = 0

    public init() {}

    public var totalSeconds: Double { physicsSeconds + renderSeconds + oracleSeconds }
    public var totalCPUSeconds: Double { physicsCPUSeconds + renderCPUSeconds + oracleCPUSeconds }

    public static func + (a: SimTiming, b: SimTiming) -> SimTiming {
        var r = a
        r.physicsSeconds += b.physicsSeconds; r.physicsCPUSeconds += b.physicsCPUSeconds
        r.renderSeconds += b.renderSeconds; r.renderCPUSeconds += b.renderCPUSeconds
        r.oracleSeconds += b.oracleSeconds; r.oracleCPUSeconds += b.oracleCPUSeconds
        r.physicsSteps += b.physicsSteps; r.framesRendered += b.framesRendered
        return r
    }
}

/// Wall and process-CPU clocks read together.
struct Stopwatch {
    let wall = ProcessClock.now()
    let cpu = ProcessClock.cpuSeconds()

    /// (wall, cpu) seconds since start.
    var elapsed: (wall: Double, cpu: Double) { (ProcessClock.now() - wall, ProcessClock.cpuSeconds() - cpu) }
}

extension SimTiming {
    mutating func addPhysics(_ s: Stopwatch) { let e = s.elapsed; physicsSeconds += e.wall; physicsCPUSeconds += e.cpu }
    mutating func addRender(_ s: Stopwatch) { let e = s.elapsed; renderSeconds += e.wall; renderCPUSeconds += e.cpu }
    mutating func addOracle(_ s: Stopwatch) { let e = s.elapsed; oracleSeconds += e.wall; oracleCPUSeconds += e.cpu }
}
