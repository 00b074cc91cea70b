/// Every task, in CLIPort's registry order (`cliport tasks` lists them so); each task's file holds its
/// templates, max-steps rule, split lists and reset.
public enum TaskRegistry {
    public static let all: [any Task] = [
        PutBlockInBowl(colors: .seen), PutBlockInBowl(colors: .unseen), PutBlockInBowl(colors: .full),
        PlaceRedInGreen(),
        StackBlockPyramidSeq(colors: .seen), StackBlockPyramidSeq(colors: .unseen), StackBlockPyramidSeq(colors: .full),
        StackBlockPyramid(),
        TowersOfHanoiSeq(colors: .seen), TowersOfHanoiSeq(colors: .unseen), TowersOfHanoiSeq(colors: .full),
        TowersOfHanoi(),
        AlignBoxCorner(),
        PackingBoxesPairs(colors: .seen), PackingBoxesPairs(colors: .unseen), PackingBoxesPairs(colors: .full),
        PackingBoxes(),
        AssemblingKitsSeq(colors: .seen), AssemblingKitsSeq(colors: .unseen), AssemblingKitsSeq(colors: .full),
        AssemblingKits(), AssemblingKits(easy: true),
        PackingShapes(),
        BlockInsertion(), BlockInsertion(.easy), BlockInsertion(.noFixture), BlockInsertion(.sixdof),
        BlockInsertion(.translation),
        PalletizingBoxes(),
        PackingGoogleObjects(seen: true, group: false), PackingGoogleObjects(seen: false, group: false),
        PackingGoogleObjects(seen: true, group: true), PackingGoogleObjects(seen: false, group: true),
        RopeTask(kind: .align), RopeTask(kind: .manipulate),
        PileTask(colors: .seen), PileTask(colors: .unseen), PileTask(colors: .full), PileTask(colors: nil),
    ]

    public static var names: [String] { all.map(\.name) }

    /// The task called `name`; an unknown name gets an error listing the known ones.
    public static func task(named name: String) throws -> any Task {
        guard let t = all.first(where: { $0.name == name }) else { throw SimError.unknownTask(name, known: names) }
        return t
    }
}
