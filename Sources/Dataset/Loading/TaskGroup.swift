import Core

/// CLIPort's multi-task groups (`dataset.py: RavensMultiTaskDataset.MULTI_TASKS`), copied list for list,
/// including its quirks: multi-language-conditioned trains on the `*-unseen-colors` variants (whose train
/// splits hold only seen attributes) and evaluates on all 18; the two google multi-attr groups name the
/// *other* google task as `attrTrainTask`. This file is the one place the lists live.
public struct TaskGroup: Equatable, Sendable, Codable {
    public var name: String
    public var train: [String]
    public var val: [String]
    public var test: [String]
    /// multi-attr only: the held-out task's seen split, sampled half of the time in training.
    public var attrTrainTask: String?

    /// The tasks of a split.
    public func tasks(split: Split) -> [String] {
        switch split {
        case .train: return train
        case .val: return val
        case .test: return test
        }
    }

    /// Sampling probability of each task of `split`, in `tasks(split:)` order. Uniform, except multi-attr
    /// training: 1/2 for `attrTrainTask` and the other 1/2 spread evenly over the rest (CLIPort's `load`).
    public func weights(split: Split) -> [Double] {
        let tasks = tasks(split: split)
        guard split == .train, let attr = attrTrainTask, tasks.contains(attr), tasks.count > 1 else {
            return Array(repeating: 1 / Double(tasks.count), count: tasks.count)
        }
        let other = 0.5 / Double(tasks.count - 1)
        return tasks.map { $0 == attr ? 0.5 : other }
    }

    /// The group called `name`, or nil when it is not a multi-task group (then it is a single task).
    public static func named(_ name: String) -> TaskGroup? { all.first { $0.name == name } }

    public static var groupNames: [String] { all.map(\.name) }

    // MARK: - The lists

    static let demoConditioned = [
        "align-box-corner", "assembling-kits", "block-insertion", "manipulating-rope", "packing-boxes",
        "palletizing-boxes", "place-red-in-green", "stack-block-pyramid", "sweeping-piles", "towers-of-hanoi",
    ]

    static let languageTrain = [
        "align-rope",
        "assembling-kits-seq-unseen-colors",  // "unseen" train splits hold only seen colours, as single-task training
        "packing-boxes-pairs-unseen-colors",
        "packing-shapes",
        "packing-unseen-google-objects-seq",
        "packing-unseen-google-objects-group",
        "put-block-in-bowl-unseen-colors",
        "stack-block-pyramid-seq-unseen-colors",
        "separating-piles-unseen-colors",
        "towers-of-hanoi-seq-unseen-colors",
    ]

    static let languageEval = [
        "align-rope",
        "assembling-kits-seq-seen-colors", "assembling-kits-seq-unseen-colors",
        "packing-boxes-pairs-seen-colors", "packing-boxes-pairs-unseen-colors",
        "packing-shapes",
        "packing-seen-google-objects-seq", "packing-unseen-google-objects-seq",
        "packing-seen-google-objects-group", "packing-unseen-google-objects-group",
        "put-block-in-bowl-seen-colors", "put-block-in-bowl-unseen-colors",
        "stack-block-pyramid-seq-seen-colors", "stack-block-pyramid-seq-unseen-colors",
        "separating-piles-seen-colors", "separating-piles-unseen-colors",
        "towers-of-hanoi-seq-seen-colors", "towers-of-hanoi-seq-unseen-colors",
    ]

    /// The ten tasks a multi-attr group draws its training tasks from, in CLIPort's order, as `*-full`
    /// variants (or the seen google objects) unless replaced by the held-out task's seen split.
    static let attrPool = [
        "align-rope", "assembling-kits-seq-full", "packing-boxes-pairs-full", "packing-shapes",
        "packing-seen-google-objects-seq", "packing-seen-google-objects-group", "put-block-in-bowl-full",
        "stack-block-pyramid-seq-full", "separating-piles-full", "towers-of-hanoi-seq-full",
    ]

    /// multi-attr-<heldOut>: train on the pool without `drop`, with `replace` swapped in, eval on `heldOut`.
    static func attr(_ heldOut: String, drop: String, seen: String?, attrTrainTask: String?) -> TaskGroup {
        let train = attrPool.compactMap { task -> String? in
            guard task == drop else { return task }
            return seen
        }
        return TaskGroup(name: "multi-attr-\(heldOut)", train: train, val: [heldOut], test: [heldOut], attrTrainTask: attrTrainTask)
    }

    public static let all: [TaskGroup] = [
        TaskGroup(name: "multi-all", train: demoConditioned + languageTrain, val: demoConditioned + languageEval,
                  test: demoConditioned + languageEval, attrTrainTask: nil),
        TaskGroup(name: "multi-demo-conditioned", train: demoConditioned, val: demoConditioned, test: demoConditioned,
                  attrTrainTask: nil),
        TaskGroup(name: "multi-language-conditioned", train: languageTrain, val: languageEval, test: languageEval,
                  attrTrainTask: nil),
        attr("align-rope", drop: "align-rope", seen: nil, attrTrainTask: nil),
        attr("packing-shapes", drop: "packing-shapes", seen: nil, attrTrainTask: nil),
        attr("assembling-kits-seq-unseen-colors", drop: "assembling-kits-seq-full", seen: "assembling-kits-seq-seen-colors",
             attrTrainTask: "assembling-kits-seq-seen-colors"),
        attr("packing-boxes-pairs-unseen-colors", drop: "packing-boxes-pairs-full", seen: "packing-boxes-pairs-seen-colors",
             attrTrainTask: "packing-boxes-pairs-seen-colors"),
        // CLIPort's quirk: the held-out google task's own seen split is dropped and the other one is weighted.
        attr("packing-unseen-google-objects-seq", drop: "packing-seen-google-objects-seq", seen: nil,
             attrTrainTask: "packing-seen-google-objects-group"),
        attr("packing-unseen-google-objects-group", drop: "packing-seen-google-objects-group", seen: nil,
             attrTrainTask: "packing-seen-google-objects-seq"),
        attr("put-block-in-bowl-unseen-colors", drop: "put-block-in-bowl-full", seen: "put-block-in-bowl-seen-colors",
             attrTrainTask: "put-block-in-bowl-seen-colors"),
        attr("stack-block-pyramid-seq-unseen-colors", drop: "stack-block-pyramid-seq-full", seen: "stack-block-pyramid-seq-seen-colors",
             attrTrainTask: "stack-block-pyramid-seq-seen-colors"),
        attr("separating-piles-unseen-colors", drop: "separating-piles-full", seen: "separating-piles-seen-colors",
             attrTrainTask: "separating-piles-seen-colors"),
        attr("towers-of-hanoi-seq-unseen-colors", drop: "towers-of-hanoi-seq-full", seen: "towers-of-hanoi-seq-seen-colors",
             attrTrainTask: "towers-of-hanoi-seq-seen-colors"),
    ]
}
