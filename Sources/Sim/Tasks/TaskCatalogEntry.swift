import Core

/// What `cliport tasks` shows of one task: instruction templates, max steps and, per split, what it draws from.
public struct TaskCatalogEntry: Equatable, Codable, Sendable {
    public var name: String
    public var instructionTemplates: [String]
    public var maxSteps: String
    /// What each split draws from (JSON: an object keyed by the split's name).
    public var splits: [Split: [TaskAttributeList]]

    public init(_ task: any Task) {
        name = task.name
        instructionTemplates = task.instructionTemplates
        maxSteps = task.maxStepsRule
        splits = Dictionary(uniqueKeysWithValues: Split.allCases.map { ($0, task.splitAttributes($0)) })
    }
}
