import Core
import Foundation
import Geometry
import Sim
import XCTest

/// Oracle success over the first N seeds of a task and split (default put-block-in-bowl-seen-colors,
/// train), with timing. Runs only when SIM_ORACLE_EPISODES is set (it is a measurement, not a test);
/// SIM_ORACLE_TASK and SIM_ORACLE_SPLIT choose the task and split:
///   SIM_ORACLE_EPISODES=100 swift test -c release -Xswiftc -enable-testing --filter OracleSuccessReport
final class OracleSuccessReport: XCTestCase {
    func testOracleSuccessOverTrainSeeds() throws {
        guard let n = ProcessInfo.processInfo.environment["SIM_ORACLE_EPISODES"].flatMap(Int.init) else { return }
        let taskName = ProcessInfo.processInfo.environment["SIM_ORACLE_TASK"] ?? "put-block-in-bowl-seen-colors"
        let task = try TaskRegistry.task(named: taskName)
        let split = ProcessInfo.processInfo.environment["SIM_ORACLE_SPLIT"].flatMap(Split.init(rawValue:)) ?? .train
        let env = try Environment()
        var successes = 0, observations = 0, steps = 0
        var phase = (pick: 0, place: 0, settle: 0), resetSteps = 0
        var failures: [String] = []
        let cpuStart = clock()
        for episode in 0..<n {
            let seed = split.seed(episode: episode)
            do {
                let before = env.timing.physicsSteps
                _ = try env.reset(task: task, seed: seed, split: split)
                resetSteps += env.timing.physicsSteps - before
                observations += 1
                while let action = try env.oracleAction() {
                    let r = try env.step(action)
                    observations += 1; steps += 1
                    phase.pick += r.outcome.pickDescentSteps; phase.place += r.outcome.placeDescentSteps
                    phase.settle += r.outcome.settleSteps
                    if r.done { break }
                }
                if env.totalReward > 0.99 { successes += 1 } else {
                    failures.append("seed \(seed): total reward \(String(format: "%.3f", env.totalReward)) after \(env.stepCount) steps (\(env.instruction))")
                }
            } catch {
                failures.append("seed \(seed): \(error)")
            }
        }
        let cpu = Double(clock() - cpuStart) / Double(CLOCKS_PER_SEC)
        let t = env.timing
        let e = Double(n)
        func f(_ x: Double) -> String { String(format: "%.4f", x) }
        print("""
        oracle success \(taskName) \(split.rawValue): \(successes)/\(n) = \(String(format: "%.1f", 100 * Double(successes) / e)) %
        per episode (wall s / CPU s): physics \(f(t.physicsSeconds / e)) / \(f(t.physicsCPUSeconds / e)) (\(t.physicsSteps / n) steps), \
        render \(f(t.renderSeconds / e)) / \(f(t.renderCPUSeconds / e)) (\(String(format: "%.1f", Double(t.framesRendered) / e)) frames), \
        placement+oracle \(f(t.oracleSeconds / e)) / \(f(t.oracleCPUSeconds / e)); whole loop CPU \(f(cpu / e))
        observations \(observations), steps \(steps); per frame: wall \(f(t.renderSeconds / Double(max(t.framesRendered, 1)))) s, \
        CPU \(f(t.renderCPUSeconds / Double(max(t.framesRendered, 1)))) s
        """)
        print("physics steps: reset settle \(resetSteps), pick descents \(phase.pick), place descents \(phase.place), settles after place \(phase.settle)")
        for f in failures { print("  failure: \(f)") }
    }
}
