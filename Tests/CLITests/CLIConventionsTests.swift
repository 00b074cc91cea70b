import Foundation
import TestSupport
import XCTest

/// Issue 19 item 6: one snake_case key style across every `--json`, `cliport --version`, help text that wraps
/// cleanly, and counts with their noun in the right number.
final class CLIConventionsTests: XCTestCase {
    let folders = TemporaryFolders(prefix: "cliport-conventions")
    override func tearDown() { folders.removeAll() }

    func cliport(_ arguments: String...) throws -> ProgramRun { try BuiltProgram.run(arguments) }

    /// Fields whose object maps data (task names, splits, instructions) to counts: their keys are data, not names.
    static let dataMaps: Set<String> = ["tasks", "splits", "sources", "instructions"]

    /// Every key of `json` (recursively) that is not snake_case: lower-case words of letters and digits joined
    /// by single underscores. `cli_port`, `cp_ums` and `mi_b` are the broken acronyms of Foundation's conversion.
    static func badKeys(_ json: Any, path: String = "") -> [String] {
        if let array = json as? [Any] { return array.flatMap { badKeys($0, path: path + "[]") } }
        guard let object = json as? [String: Any] else { return [] }
        var bad: [String] = []
        for (key, value) in object {
            let snake = key.range(of: "^[a-z][a-z0-9]*(_[a-z0-9]+)*$", options: .regularExpression) != nil
            let broken = ["cli_port", "_cp_", "_mi_b", "clip_ort"].contains { key.contains($0) } || key.hasSuffix("_b")
            if !snake || broken { bad.append(path + "." + key) }
            if !dataMaps.contains(key) { bad += badKeys(value, path: path + "." + key) }
        }
        return bad
    }

    func json(_ run: ProgramRun, _ command: String) throws -> Any {
        XCTAssertEqual(run.status, 0, "\(command): \(run.stderr)")
        return try XCTUnwrap(try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)), "\(command) printed no JSON: \(run.stdout)")
    }

    func testEveryJSONOutputHasSnakeCaseKeys() throws {
        let out = folders.make("json")
        let demos = try cliport("demos", "--task", "put-block-in-bowl-seen-colors", "--n", "1", "--look", "plain", "--out", out, "--json")
        let dataset = out + "/put-block-in-bowl-seen-colors-train"
        let runs: [(String, ProgramRun)] = [
            ("demos", demos),
            ("tasks", try cliport("tasks", "--json")),
            ("agents", try cliport("agents", "--json")),
            ("dataset info", try cliport("dataset", "info", dataset, "--json")),
            ("dataset check", try cliport("dataset", "check", dataset, "--json")),
            ("dataset stats", try cliport("dataset", "stats", dataset, "--json")),
            ("dataset merge", try cliport("dataset", "merge", dataset, "--out", out + "/all.hdf5", "--json")),
            ("dataset split", try cliport("dataset", "split", dataset, "--valid-fraction", "0.5", "--json")),
            ("bench oracle", try cliport("bench", "oracle", "--tasks", "align-box-corner", "--episodes", "1", "--json")),
            ("bench demos", try cliport("bench", "demos", "--episodes", "1", "--scaling-episodes", "0", "--look", "plain", "--json")),
        ]
        for (command, run) in runs { XCTAssertEqual(Self.badKeys(try json(run, command)), [], command) }
        // The names that Foundation's conversion broke read whole.
        let info = try XCTUnwrap(try json(runs[3].1, "dataset info") as? [String: Any])
        XCTAssertNotNil(info["ratio_to_cliport"], "\(info.keys.sorted())")
        XCTAssertNotNil(info["bytes_per_observation"])
        let bench = try XCTUnwrap(try json(runs[9].1, "bench demos") as? [String: Any])
        XCTAssertTrue("\(bench)".contains("cpu_ratio_to_cliport"), "\(bench)")
        // The checker itself catches what the old conversion wrote.
        XCTAssertEqual(Self.badKeys(["ratio_to_cli_port": 1, "write_cp_ums": 2, "peak_rss_mi_b": 3, "objectSet": 4, "ok_key": 5]).sorted(),
                       [".objectSet", ".peak_rss_mi_b", ".ratio_to_cli_port", ".write_cp_ums"])
    }

    func testVersion() throws {
        let run = try cliport("--version")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "cliport-swift 0.1.0 (dataset schema 1)\n")
    }

    /// Help text is wrapped by ArgumentParser to the terminal, so the project's own text must not break lines
    /// inside a paragraph: at 80 columns no line is longer than 80 (but the usage line and a single long word,
    /// which ArgumentParser does not break) and no sentence is cut into a stub line followed by its rest.
    func testHelpWrapsAt80Columns() throws {
        let commands: [[String]] = [[], ["demos"], ["capture"], ["train"], ["bench", "oracle"], ["dataset", "view"], ["eval"]]
        for command in commands {
            let run = try BuiltProgram.run(["help"] + command, environment: ["COLUMNS": "80"])
            XCTAssertEqual(run.status, 0, run.stderr)
            let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            XCTAssertGreaterThan(lines.count, 5)
            for (i, line) in lines.enumerated() where !line.hasPrefix("USAGE:") {
                let words = line.split(separator: " ")
                if words.count > 1 { XCTAssertLessThanOrEqual(line.count, 80, "\(command): \(line)") }
                // A stub: a short line cut mid-sentence (not after a full stop or a list's comma) whose sentence goes
                // on, lower case, on the next line at the same indent.
                guard i + 1 < lines.count else { continue }
                let following = lines[i + 1]
                let indent: Int = line.prefix(while: { $0 == " " }).count
                let followingIndent: Int = following.prefix(while: { $0 == " " }).count
                guard let next = following.first(where: { $0 != " " }), next.isLowercase, followingIndent == indent,
                      words.first?.hasPrefix("-") == false, let last = line.last, !".,:;".contains(last) else { continue }
                XCTAssertGreaterThan(line.count, 55, "\(command): a stub line '\(line)' before '\(following)'")
            }
        }
    }

    func testCountsTakeTheirNounsNumber() throws {
        let out = folders.make("plural")
        let demos = try cliport("demos", "--task", "align-box-corner", "--n", "1", "--look", "plain", "--out", out)
        XCTAssertEqual(demos.status, 0, demos.stderr)
        XCTAssertTrue(demos.stdout.contains("wrote 1 episode to "), demos.stdout)
        XCTAssertTrue(demos.stdout.contains(", 1 worker]"), demos.stdout)
        let dataset = out + "/align-box-corner-train"
        let check = try cliport("dataset", "check", dataset)
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertTrue(check.stdout.contains("\(dataset): 1 shard, 1 episode, 1 step; no problems found"), check.stdout)
        let merge = try cliport("dataset", "merge", dataset, "--out", out + "/all.hdf5")
        XCTAssertTrue(merge.stdout.contains(": 1 episode, 1 step, linked from 1 shard"), merge.stdout)
        let info = try cliport("dataset", "info", dataset)
        XCTAssertTrue(info.stdout.contains("steps        1 (2 observations incl. final)"), info.stdout)
    }
}
