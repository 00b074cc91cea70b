/// Figures measured on CLIPort itself that our reports compare against (`DatasetSummary`, the benchmarks).
public enum CLIPortReferenceFigures {
    /// CLIPort's pickles: 6.45 MB per three-camera observation (reference, cliport.md section 4).
    public static let bytesPerObservation = 6.45e6
}
