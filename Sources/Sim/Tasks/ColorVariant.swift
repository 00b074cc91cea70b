import Core
/// Which colours a task variant draws from (CLIPort's `-seen-colors`, `-unseen-colors`, `-full` classes).
public enum ColorVariant: String, CaseIterable, Codable, Sendable {
    case seen, unseen, full

    /// The name suffix: "seen-colors", "unseen-colors", "full".
    public var suffix: String {
        switch self {
        case .seen: return "seen-colors"
        case .unseen: return "unseen-colors"
        case .full: return "full"
        }
    }

    /// Seen: TRAIN_COLORS always. Unseen: TRAIN_COLORS for train, EVAL_COLORS for val and test.
    /// Full: the union (train colours first, then the eval-only ones).
    public func colors(for split: Split) -> [NamedColor] {
        switch self {
        case .seen: return NamedColor.trainColors
        case .unseen: return split == .train ? NamedColor.trainColors : NamedColor.evalColors
        case .full: return NamedColor.trainColors + NamedColor.evalColors.filter { !NamedColor.trainColors.contains($0) }
        }
    }
}
