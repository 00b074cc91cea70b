import ArgumentParser
import Core
import Foundation
import Sim
import Trainer

// Options shared by several commands, declared once (`@OptionGroup`), the range check every command's
// `validate()` uses, and the split as a command-line argument (its raw value; the training settings' enums
// are arguments in TrainingArguments.swift).

extension Split: ExpressibleByArgument {}
extension SceneLook: ExpressibleByArgument {}

/// `--look cliport|plain`: how the simulator draws its scenes (the task rules and cameras are the same).
struct SceneLookOptions: ParsableArguments {
    @Option(name: .customLong("look"),
            help: "How the simulator draws scenes: cliport (CLIPort's arm, shadows and shading) or plain (flat colours, no arm; cheapest).")
    var look: SceneLook = .cliport
}

/// `--json`: print the result as one JSON object with snake_case keys instead of text.
struct JSONOutputOptions: ParsableArguments {
    @Flag(name: .customLong("json"), help: "Print JSON for scripts (snake_case keys).") var enabled = false
}

/// `--threads N`: BLAS threads (default: the cores divided among the processes on this machine).
struct ThreadOptions: ParsableArguments {
    @Option(name: .customLong("threads"), parsing: .unconditional,
            help: "BLAS threads (default: the cores divided among the processes on this machine).")
    var count: Int?

    func validate() throws {
        if let count { try requireOption("--threads", count, in: ComputeThreads.range) }
    }
}

/// Refuses `value` outside `range` in a command's `validate()`, naming the option and the range.
func requireOption<T: Comparable>(_ option: String, _ value: T, in range: ClosedRange<T>) throws {
    guard range.contains(value) else {
        throw ValidationError("\(option) must be between \(range.lowerBound) and \(range.upperBound) (got \(value))")
    }
}

/// Refuses a channel width multiplier the networks are not built at: the rule of `train --width`, which the
/// benchmarks share so they time only widths a run can use.
func requireWidth(_ width: Double) throws {
    guard width > 0, width <= TrainingConfiguration.widthLimit else {
        throw ValidationError("--width must be in (0, \(TrainingConfiguration.widthLimit)] (got \(width)); 1 is CLIPort's size")
    }
}

/// Prints `value` as pretty JSON with sorted, snake_case keys.
func printJSON<T: Encodable>(_ value: T) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    if let data = try? encoder.encode(value) { print(String(decoding: data, as: UTF8.self)) }
}
