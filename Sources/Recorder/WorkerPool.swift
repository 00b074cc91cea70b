import Foundation

/// Runs K worker processes (the same program re-executed as `cliport demos-worker`, each with its own
/// MuJoCo and EGL context) and gathers their JSON-line events. A first Ctrl-C or SIGTERM is forwarded, so
/// workers finish the episode in flight and exit; a second one kills them (see `StopSignal`). When a worker
/// fails, the others are asked to stop the same way and the worker's message is reported. Workers watch
/// their stdin: when this process dies, even by SIGKILL, the pipe closes and they exit at once.
final class WorkerPool {
    struct Exit { var worker: Int; var status: Int32; var signalled: Bool }

    private let lock = NSCondition()
    private var queue: [(worker: Int, event: GenerationEvent?)] = []

    /// Runs the workers to the end. `onEvent` and `tick` are called on the calling thread.
    func run(executable: String, arguments: [[String]], onEvent: (Int, GenerationEvent) -> Void,
             tick: () -> Void) throws -> (stopped: Bool, failure: RecorderError?) {
        var processes: [Process] = []
        var inputs: [Pipe] = []
        // Signalled from Foundation's reaping thread: `waitUntilExit` polls its run loop every 50 ms instead.
        var exits: [DispatchSemaphore] = []
        for (i, args) in arguments.enumerated() {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = args
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.standardError
            let exited = DispatchSemaphore(value: 0)
            process.terminationHandler = { _ in exited.signal() }
            exits.append(exited)
            try process.run()
            StopSignal.register(child: process.processIdentifier, slot: i)
            processes.append(process)
            inputs.append(input)
            let reader = output.fileHandleForReading
            Thread.detachNewThread { [self] in readLines(reader, worker: i) }
        }

        var open = processes.count
        var forwarded = false
        var failure: RecorderError?
        var stoppedWorkers = Set<Int>()
        func stopAll() {
            for p in processes where p.isRunning { kill(p.processIdentifier, SIGINT) }
        }
        while open > 0 {
            lock.lock()
            if queue.isEmpty { _ = lock.wait(until: Date().addingTimeInterval(0.25)) }
            let batch = queue
            queue.removeAll()
            lock.unlock()
            for (worker, event) in batch {
                guard let event else { open -= 1; continue }
                if event.kind == .failed, failure == nil {
                    failure = .workerFailed(worker: worker, message: event.message ?? "unknown error")
                    stopAll()
                }
                if event.kind == .stopped { stoppedWorkers.insert(worker) }
                onEvent(worker, event)
            }
            if StopSignal.requested, !forwarded {
                forwarded = true
                stopAll()
            }
            tick()
        }
        for (i, p) in processes.enumerated() {
            exits[i].wait()
            StopSignal.register(child: 0, slot: i)
            if failure == nil, p.terminationStatus != 0 || p.terminationReason == .uncaughtSignal, !StopSignal.requested {
                let how = p.terminationReason == .uncaughtSignal
                    ? "was killed by signal \(p.terminationStatus)\(p.terminationStatus == SIGKILL ? " (out of memory?)" : "")"
                    : "exited with status \(p.terminationStatus)"
                failure = .workerDied(worker: i, how: how)
                stopAll()
            }
        }
        withExtendedLifetime(inputs) {}
        return (StopSignal.requested || !stoppedWorkers.isEmpty, failure)
    }

    private func readLines(_ handle: FileHandle, worker: Int) {
        var buffer = Data()
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                if let event = GenerationEvent(line: line) { push(worker, event) }
            }
        }
        push(worker, nil)
    }

    private func push(_ worker: Int, _ event: GenerationEvent?) {
        lock.lock()
        queue.append((worker, event))
        lock.signal()
        lock.unlock()
    }
}
