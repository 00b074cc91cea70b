/// Figures measured on CLIPort itself that our reports compare against (`DatasetSummary`, the benchmarks).
public enum CLIPortReferenceFigures {
    /// CLIPort's pickles: 6.45 MB per three-camera observation (reference, cliport.md section 4).
    public static let bytesPerObservation = 6.45e6

    /// CPU milliseconds (user + system) per sample of CLIPort's `RavensDataset` on real generated data, batch 1,
    /// augmentation on, goal image on, on this machine kind (issue 21: 325-355 ms; it re-fuses three cameras for
    /// the observation and again for the goal). Ratios use the low end, so they never flatter us.
    public static let ravensDatasetCPUMillisecondsPerSample: ClosedRange<Double> = 325...355
}
