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

/// Prints `value` as pretty JSON with sorted, snake_case keys (`JSONKeyStyle`).
func printJSON<T: Encodable>(_ value: T) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    encoder.keyEncodingStrategy = .custom { path in JSONKeyStyle.Key(JSONKeyStyle.snakeCase(path.last!.stringValue)) }
    if let data = try? encoder.encode(value) { print(String(decoding: data, as: UTF8.self)) }
}

/// The one key style of every `--json`: snake_case, with the project's names and units kept whole. Foundation's
/// `.convertToSnakeCase` splits an upper-case run before its last letter, so `ratioToCLIPort` became
/// `ratio_to_cli_port`, `writeCPUms` `write_cp_ums` and `peakRSSMiB` `peak_rss_mi_b`.
enum JSONKeyStyle {
    /// Words written in mixed or upper case that are one word each (longest first where one starts another).
    static let words = ["CLIPort", "GFLOPS", "GFLOP", "MiB", "CPU", "RSS", "RGB", "FOV", "MM", "OK"]

    static func snakeCase(_ key: String) -> String {
        // Data used as keys (task names, instructions) is left as it is: only identifiers are property names.
        guard key.contains(where: \.isUppercase), key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        else { return key }
        var words: [String] = [], current = ""
        var afterWhole = false
        let characters = Array(key)
        var i = 0
        func flush() { if !current.isEmpty { words.append(current); current = "" } }
        while i < characters.count {
            if let whole = Self.words.first(where: { characters[i...].starts(with: $0) }) {
                flush(); words.append(whole.lowercased()); i += whole.count; afterWhole = true
                continue
            }
            let c = characters[i]
            if c.isUppercase {
                // A new word, unless it continues an upper-case run that is not followed by a lower-case letter.
                let previousUpper = i > 0 && characters[i - 1].isUppercase && !afterWhole
                let nextLower = i + 1 < characters.count && characters[i + 1].isLowercase
                if !previousUpper || nextLower { flush() }
            } else if afterWhole || c == "_" {
                flush()
            }
            afterWhole = false
            if c != "_" { current.append(contentsOf: c.lowercased()) }
            i += 1
        }
        flush()
        return words.joined(separator: "_")
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
