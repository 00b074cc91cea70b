/// How each loss reduces over its logits. The default is `sum`, the setting that learns (docs/training.md,
/// "Mean versus sum loss"); CLIPort's `mean` is `--loss mean`.
public enum LossReduction: String, CaseIterable, Codable, Sendable {
    /// CLIPort's code: the cross-entropy divided by the number of logits (51,200 for the pick and 1.8 M for
    /// the place). Most gradients then start below Adam's epsilon (1e-8) and learning is slow.
    case mean
    /// The cross-entropy itself (CLIPort's comment says both work equally well); Adam stays in its
    /// scale-free regime.
    case sum
}
