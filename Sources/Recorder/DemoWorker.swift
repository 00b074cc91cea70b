import Core
import Dataset
import Foundation
import Sim

/// The body of `cliport demos-worker`, a process started by `cliport demos --workers K`: runs the unit loop
/// of its machine and reports each event as one JSON line on stdout. It stops after the episode in flight
/// on SIGINT/SIGTERM, and exits at once when its parent dies (its stdin closes).
public enum DemoWorker {
    public static func run(plan: GenerationPlan, dataset: String, machine: MachineShare, worker: Int) -> Int32 {
        StopSignal.install()
        Thread.detachNewThread {
            var byte: UInt8 = 0
            while read(STDIN_FILENO, &byte, 1) > 0 {}
            _exit(0)  // the coordinator is gone: drop the episode in flight (it is regenerated from its seed)
        }
        func send(_ event: GenerationEvent) {
            FileHandle.standardOutput.write(Data((event.line + "\n").utf8))
        }
        do {
            let task = try GoogleObjectAssets.task(named: plan.task, split: plan.split, assets: plan.assets)
            let loop = UnitLoop(generator: UnitGenerator(plan: plan, dataset: dataset, task: task),
                                units: plan.units(forMachine: machine.index, of: machine.count), worker: worker,
                                report: send, shouldStop: { StopSignal.requested })
            let complete = try loop.run()
            send(GenerationEvent(kind: complete ? .finished : .stopped, cpuSeconds: ProcessClock.cpuSeconds()))
            return 0
        } catch {
            send(GenerationEvent(kind: .failed, message: String(describing: DemoGenerator.namingOut(error)), cpuSeconds: ProcessClock.cpuSeconds()))
            return 1
        }
    }
}
