/// The tasks by name.
public enum TaskRegistry {
    public static let all: [any Task] = [
        PutBlockInBowl(colors: .seen),
        PutBlockInBowl(colors: .unseen),
        PutBlockInBowl(colors: .full),
    ] + RigidObjectTasks.all + RopeAndPileTasks.all

    public static var names: [String] { all.map(\.name) }

    /// The task called `name`; an unknown name gets an error listing the known ones.
    public static func task(named name: String) throws -> any Task {
        guard let t = all.first(where: { $0.name == name }) else { throw SimError.unknownTask(name, known: names) }
        return t
    }
}
