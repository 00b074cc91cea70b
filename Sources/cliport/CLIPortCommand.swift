import ArgumentParser
import BLAS
import Dataset
import Foundation

@main
struct CLIPortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cliport",
        abstract: "Language-conditioned tabletop pick-and-place: generate demos, inspect datasets, train and evaluate agents, benchmark.",
        version: "\(DatasetLayout.generator) (dataset schema \(DatasetLayout.schemaVersion))",
        subcommands: [DemosCommand.self, DatasetCommand.self, TasksCommand.self, AgentsCommand.self, TrainCommand.self, EvalCommand.self, BenchmarkCommand.self, BenchCommand.self, WeightsCommand.self, CaptureCommand.self, ServeCommand.self, DemosWorkerCommand.self])

    /// OpenBLAS's threads, started when the library loaded, would spin for a quarter second in every
    /// process, most of which (demo workers, dataset tools) never call BLAS; the first BLAS call restarts them.
    static func main() {
        BLAS.stopWorkerThreads()
        main(nil)
    }
}

/// Errors reach the user as one line naming the problem and the fix, without a stack of wrappers.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ error: Error) { description = String(describing: error) }
}

/// Runs `body` and turns any error into a plain message for ArgumentParser to print.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ValidationError {
        throw error
    } catch {
        throw CommandFailure(error)
    }
}
