import ArgumentParser
import Sim

struct TasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks", abstract: "List every task with its instruction templates and splits.")

    func run() throws {
        for task in TaskRegistry.all {
            print(task.name)
            for template in task.instructionTemplates { print("    \"\(template)\"") }
        }
        print("\nsplits: " + Split.allCases.map { "\($0.rawValue) (seeds \($0.seed(episode: 0)), \($0.seed(episode: 1)), ...)" }.joined(separator: "; "))
    }
}
