import Core
import Dataset
import Sim

/// One dataset the benchmark needs: `episodes` successful oracle demonstrations of `task`'s `split`, in
/// `<root>/<task>-<split>/` (as `cliport demos --out <root>` lays it out).
public struct DemoRequest: Equatable, Sendable {
    public var task: String
    public var split: Split
    public var episodes: Int
    public var root: String
    public var look: SceneLook
    /// CLIPort's google-objects assets (nil: built-in objects).
    public var assets: String?

    public var folder: String { TaskDataset.folder(root: root, task: task, split: split) }
}

/// What making (or finishing) a dataset did.
public struct DemoOutcome: Equatable, Sendable {
    /// Every episode of the request is there.
    public var complete: Bool
    /// Episodes this call added, and those that were already there.
    public var saved: Int
    public var alreadyThere: Int

    public init(complete: Bool, saved: Int, alreadyThere: Int) {
        self.complete = complete; self.saved = saved; self.alreadyThere = alreadyThere
    }
}

/// Makes or finishes a requested dataset, resuming what an earlier call began and refusing a folder made
/// for another request. The benchmark's data stage calls it; `cliport benchmark` passes the Recorder's
/// `DemoGenerator` (the Trainer module does not depend on the Recorder).
public typealias DemoSource = (DemoRequest) throws -> DemoOutcome
