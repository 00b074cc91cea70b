/// The rope and piles task variants, in CLIPort's registry order.
public enum RopeAndPileTasks {
    public static let all: [any Task] = [
        RopeTask(kind: .align),
        RopeTask(kind: .manipulate),
        PileTask(colors: .seen),
        PileTask(colors: .unseen),
        PileTask(colors: .full),
        PileTask(colors: nil),
    ]
}
