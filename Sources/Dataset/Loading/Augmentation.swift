/// Settings of CLIPort's `perturb` augmentation (reference/cliport.md section 5).
public struct Augmentation: Equatable, Codable, Sendable {
    /// Standard deviation of the rotation, degrees (CLIPort: 60; tasks with "left" or "forward" in their
    /// instructions suffer from large rotations, so it is settable per task).
    public var thetaSigmaDegrees: Double
    /// Per-task overrides of `thetaSigmaDegrees`, by task name.
    public var thetaSigmaByTask: [String: Double]
    /// Standard deviation of the translation in pixels; nil means CLIPort's min(rows, cols) / 6 (26.67).
    public var translationSigmaPixels: Double?
    /// Transforms tried before giving up and leaving the sample unaugmented (CLIPort loops forever).
    public var maxAttempts: Int
    /// CLIPort's `add_noise` (off by default there too): colour + N(0, 3) clipped to [0, 255], each height
    /// channel + N(0, 0.003 m).
    public var addNoise: Bool
    public var colorNoiseStd: Double
    public var heightNoiseStd: Double

    public init(thetaSigmaDegrees: Double = 60, thetaSigmaByTask: [String: Double] = [:], translationSigmaPixels: Double? = nil,
                maxAttempts: Int = 100, addNoise: Bool = false, colorNoiseStd: Double = 3, heightNoiseStd: Double = 0.003) {
        self.thetaSigmaDegrees = thetaSigmaDegrees; self.thetaSigmaByTask = thetaSigmaByTask
        self.translationSigmaPixels = translationSigmaPixels; self.maxAttempts = maxAttempts
        self.addNoise = addNoise; self.colorNoiseStd = colorNoiseStd; self.heightNoiseStd = heightNoiseStd
    }

    public static let cliport = Augmentation()

    public func thetaSigma(task: String) -> Double { thetaSigmaByTask[task] ?? thetaSigmaDegrees }
}
