/// The rigid-object task variants (blocks, stands, disks, boxes, kits), in registry order.
public enum RigidObjectTasks {
    public static let all: [any Task] = [
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
        BlockInsertion(), BlockInsertion(.easy), BlockInsertion(.noFixture), BlockInsertion(.translation),
        PalletizingBoxes(),
        PackingGoogleObjects(seen: true, group: false), PackingGoogleObjects(seen: false, group: false),
        PackingGoogleObjects(seen: true, group: true), PackingGoogleObjects(seen: false, group: true),
    ]
}
