/// Figures measured on CLIPort itself that our reports compare against (`DatasetSummary`, the benchmarks).
public enum CLIPortReferenceFigures {
    /// CLIPort's pickles: 6.45 MB per three-camera observation (reference, cliport.md section 4).
    public static let bytesPerObservation = 6.45e6

    /// CPU milliseconds (user + system) per sample of CLIPort's `RavensDataset` on real generated data, batch 1,
    /// augmentation on, goal image on, on this machine kind (issue 21: 325-355 ms; it re-fuses three cameras for
    /// the observation and again for the goal). Ratios use the low end, so they never flatter us.
    public static let ravensDatasetCPUMillisecondsPerSample: ClosedRange<Double> = 325...355
}

// Demo generation (issue #21): CLIPort's own cost per task, for `cliport bench demos`.
extension CLIPortReferenceFigures {
    /// CPU-seconds (user + system) per saved episode of CLIPort's `demos.py`, measured with CLIPort's code on
    /// this machine kind (PyBullet, its own look), by task family: the variants of a family (seen colours,
    /// unseen colours, full) draw the same scenes and cost the same.
    public static let demoCPUSecondsPerEpisode: [(family: String, cpuSeconds: Double)] = [
        ("put-block-in-bowl", 7.45),
        ("stack-block-pyramid-seq", 16.4),
        ("packing-boxes-pairs", 25.2),
        ("align-rope", 12.0),
    ]

    /// CLIPort's figure for `task` (a family's name or one of its variants), nil when none was measured.
    public static func demoCPUSeconds(task: String) -> Double? {
        demoCPUSecondsPerEpisode.first { task == $0.family || task.hasPrefix($0.family + "-") }?.cpuSeconds
    }
}
