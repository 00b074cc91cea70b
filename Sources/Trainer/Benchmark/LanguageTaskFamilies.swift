/// The ten language-conditioned task families of CLIPort's Table 1 and how a family's seen and unseen
/// variants are named in our task registry.
public enum LanguageTaskFamilies {
    /// One task per family: its seen-colours (or seen-objects) variant; align-rope and packing-shapes have none.
    public static let seen = [
        "packing-boxes-pairs-seen-colors", "packing-seen-google-objects-seq", "packing-seen-google-objects-group",
        "stack-block-pyramid-seq-seen-colors", "separating-piles-seen-colors", "towers-of-hanoi-seq-seen-colors",
        "align-rope", "packing-shapes", "assembling-kits-seq-seen-colors", "put-block-in-bowl-seen-colors",
    ]

    /// The unseen-attribute variant of a seen task (`put-block-in-bowl-seen-colors` ->
    /// `put-block-in-bowl-unseen-colors`, `packing-seen-google-objects-seq` -> `packing-unseen-google-objects-seq`);
    /// nil for a task without one. CLIPort's unseen train splits hold only seen attributes, so a model
    /// trained on the seen variant is scored on the unseen one as CLIPort's are.
    public static func unseenVariant(of task: String) -> String? {
        if task.hasSuffix("-seen-colors") { return String(task.dropLast("-seen-colors".count)) + "-unseen-colors" }
        if task.hasPrefix("packing-seen-google-objects-") {
            return "packing-unseen-google-objects-" + task.dropFirst("packing-seen-google-objects-".count)
        }
        return nil
    }
}
