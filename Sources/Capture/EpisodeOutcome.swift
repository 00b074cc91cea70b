/// The operator's verdict when ending an episode (the page asks for it; there is no one-key end).
public enum EpisodeOutcome: String, Codable, CaseIterable, Sendable {
    /// Saved into the dataset folder (a simulated episode must also be judged successful by the task).
    case success
    /// Set apart in `OUT/failed/` with success = 0; the episode is recorded again.
    case failure
}
