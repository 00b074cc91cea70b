/// Which statistics the frozen CLIP trunk's batch norms normalise with while an agent trains (a run's
/// `clipBatchNorm`, `cliport train --clip-batchnorm`).
///
/// CLIPort's `training_step` calls `.train()` on the attention and transport modules, which hold the
/// CLIP copies, so CLIP's batch norms normalise with each forward's batch statistics and move their
/// running statistics (momentum 0.1): `no_grad` and frozen weights do not stop that. Lightning's
/// validation and CLIPort's `eval.py` then run CLIP in eval mode with the running statistics so moved,
/// which checkpoints carry (each of the three copies its own).
public enum CLIPBatchNorm: String, CaseIterable, Codable, Sendable {
    /// CLIPort's behaviour (the default): batch statistics in training steps, moved running statistics
    /// in validation and evaluation.
    case batchStatistics = "batch-statistics"
    /// CLIP stays in eval mode throughout, with the imported running statistics: frozen outright, so its
    /// features depend on the input alone.
    case runningStatistics = "running-statistics"
}

/// Whether a CLIP trunk and all its copies normalise with batch statistics right now (PyTorch's
/// `train()`), or with their running statistics (`eval()`, the default). The trainer switches it on for
/// its training steps only; it is set between forward passes, never during one.
public final class CLIPTrainMode: @unchecked Sendable {
    public var usesBatchStatistics = false

    public init() {}
}
