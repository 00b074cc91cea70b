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
