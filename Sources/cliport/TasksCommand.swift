import Core
import ArgumentParser
import Foundation
import Sim

struct TasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks", abstract: "List every task with its instruction templates, max steps and splits.",
        discussion: "Per task: the instruction templates, CLIPort's max steps, and per split the colour, shape or object "
            + "list it draws from (splits with the same lists are shown together; \"fixed\" means nothing depends on "
            + "the split). The lists are spelled out once at the end; --json gives everything, object names included.")

    // --json: tasks (name, instruction_templates, max_steps, splits) and split seeds.
    @OptionGroup var json: JSONOutputOptions

    func run() throws {
        let entries = TaskRegistry.all.map(TaskCatalogEntry.init)
        if json.enabled {
            let seeds = Dictionary(uniqueKeysWithValues: Split.allCases.map { ($0.rawValue, [$0.seed(episode: 0), $0.seed(episode: 1)]) })
            printJSON(Listing(tasks: entries, firstSeeds: seeds))
            return
        }
        for entry in entries {
            print("\(entry.name)  (max steps \(entry.maxSteps))")
            for template in entry.instructionTemplates { print("    \"\(template)\"") }
            print("    " + Self.splitLine(entry))
        }
        print("\nsplits: " + Split.allCases.map { "\($0.rawValue) (seeds \($0.seed(episode: 0)), \($0.seed(episode: 1)), ...)" }.joined(separator: "; "))
        print("TRAIN_COLORS: " + NamedColor.trainColors.map(\.name).joined(separator: " "))
        print("EVAL_COLORS: " + NamedColor.evalColors.map(\.name).joined(separator: " "))
        print("shapes: " + KitShapes.names.enumerated().map { "\($0.offset) \($0.element)" }.joined(separator: ", "))
        print("objects: seen \(GoogleObjects.seen.count) (all splits); unseen: \(GoogleObjects.unseenTrain.count) train, "
              + "\(GoogleObjects.unseenEval.count) val/test (names: --json)")
    }

    /// "train: colors TRAIN_COLORS | val, test: colors EVAL_COLORS", or "train, val, test: fixed".
    static func splitLine(_ entry: TaskCatalogEntry) -> String {
        var groups: [(splits: [Split], lists: [TaskAttributeList])] = []
        for split in Split.allCases {
            let lists = entry.splits[split] ?? []
            if let i = groups.firstIndex(where: { $0.lists == lists }) { groups[i].splits.append(split) } else { groups.append(([split], lists)) }
        }
        return groups.map { group in
            let what = group.lists.isEmpty ? "fixed"
                : group.lists.map { list in
                    list.kind == "objects" ? "\(list.listName) (\(list.values.count))"
                        : list.listName.hasPrefix(list.kind) ? list.listName : "\(list.kind) \(list.listName)"
                }
                    .joined(separator: ", ")
            return group.splits.map(\.rawValue).joined(separator: ", ") + ": " + what
        }.joined(separator: " | ")
    }

    struct Listing: Encodable {
        var tasks: [TaskCatalogEntry]
        var firstSeeds: [String: [Int]]
    }
}
