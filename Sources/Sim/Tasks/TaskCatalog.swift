import Core
/// A named list a task draws an attribute from for one split: CLIPort's colour lists, the kit shape indices,
/// the Google object names.
public struct TaskAttributeList: Equatable, Codable, Sendable {
    /// "colors", "shapes" or "objects".
    public var kind: String
    /// CLIPort's name for the list, e.g. "TRAIN_COLORS", "shapes 0-13", "unseen val/test objects".
    public var listName: String
    public var values: [String]

    public init(kind: String, listName: String, values: [String]) {
        self.kind = kind; self.listName = listName; self.values = values
    }

    /// The colour list a colour variant uses for `split`, named as in CLIPort's `utils`.
    public static func colors(_ variant: ColorVariant, _ split: Split) -> TaskAttributeList {
        let colors = variant.colors(for: split)
        let name = colors == NamedColor.trainColors ? "TRAIN_COLORS"
            : colors == NamedColor.evalColors ? "EVAL_COLORS" : "TRAIN_COLORS + EVAL_COLORS"
        return TaskAttributeList(kind: "colors", listName: name, values: colors.map(\.name))
    }

    /// Kit shapes by index, named by their index range when contiguous ("shapes 0-13").
    public static func shapes(_ indices: [Int]) -> TaskAttributeList {
        let contiguous = indices.count > 2 && indices == Array(indices[0]...indices[indices.count - 1])
        let name = contiguous ? "shapes \(indices[0])-\(indices[indices.count - 1])"
            : "shapes " + indices.map(String.init).joined(separator: ",")
        return TaskAttributeList(kind: "shapes", listName: name, values: indices.map { KitShapes.names[$0] })
    }
}

/// What `cliport tasks` shows of one task: instruction templates, max steps and, per split, what it draws from.
public struct TaskCatalogEntry: Equatable, Codable, Sendable {
    public var name: String
    public var instructionTemplates: [String]
    public var maxSteps: String
    /// Keyed by split name ("train", "val", "test").
    public var splits: [String: [TaskAttributeList]]

    public init(_ task: any Task) {
        name = task.name
        instructionTemplates = task.instructionTemplates
        maxSteps = task.maxStepsRule
        splits = Dictionary(uniqueKeysWithValues: Split.allCases.map { ($0.rawValue, task.splitAttributes($0)) })
    }
}

// Per task: CLIPort's max_steps (several tasks set it in reset from what they drew) and its split lists.

extension PutBlockInBowl {
    public var maxStepsRule: String { "n_blocks + 1 (2-4)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [.colors(colors, split)] }
}

extension PlaceRedInGreen {
    public var maxStepsRule: String { "\(Self.maxSteps)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [] }
}

extension StackBlockPyramidSeq {
    public var maxStepsRule: String { "\(Self.maxSteps)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [.colors(colors, split)] }
}

extension StackBlockPyramid {
    public var maxStepsRule: String { "\(StackBlockPyramidSeq.maxSteps)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [] }
}

extension TowersOfHanoiSeq {
    public var maxStepsRule: String { "14" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [.colors(colors, split)] }
}

extension TowersOfHanoi {
    public var maxStepsRule: String { "14" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [] }
}

extension AlignBoxCorner {
    public var maxStepsRule: String { "3" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [] }
}

extension PackingBoxesPairs {
    public var maxStepsRule: String { "20" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [.colors(colors, split)] }
}

extension PackingBoxes {
    public var maxStepsRule: String { "20" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [] }
}

extension AssemblingKitsSeq {
    public var maxStepsRule: String { "\(KitScene.objectCount)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [.shapes(shapeSet(for: split)), .colors(colors, split)] }
}

extension AssemblingKits {
    public var maxStepsRule: String { "10" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [.shapes(split == .train ? trainShapes : testShapes)] }
}

extension PackingShapes {
    public var maxStepsRule: String { "1" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] {
        [.shapes(split == .train ? AssemblingKitsSeq.trainShapes : AssemblingKitsSeq.testShapes),
         .colors(.unseen, split)]
    }
}

extension BlockInsertion {
    public var maxStepsRule: String { "3" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [] }
}

extension PalletizingBoxes {
    public var maxStepsRule: String { "30" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [] }
}

extension PackingGoogleObjects {
    public var maxStepsRule: String { group ? "n_objects of the category + 1" : "n_pack + 1" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] {
        let name = seen ? "seen objects" : (split == .train ? "unseen train objects" : "unseen val/test objects")
        return [TaskAttributeList(kind: "objects", listName: name, values: GoogleObjects.names(seen: seen, split: split))]
    }
}

extension RopeTask {
    public var maxStepsRule: String { "\(Self.maxSteps)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { [] }
}

extension PileTask {
    public var maxStepsRule: String { "\(Self.maxSteps)" }
    public func splitAttributes(_ split: Split) -> [TaskAttributeList] { colors.map { [.colors($0, split)] } ?? [] }
}
