/// The sentence encoders a language-conditioned model can read instructions with, by the name a run's
/// configuration records.
public enum InstructionEncoderKind: String, CaseIterable, Codable, Sendable {
    /// `HashedInstructionEncoder`: no weights.
    case hashedNgrams = "hashed-ngrams"
    /// CLIP's text transformer (needs imported CLIP weights): CLIPort's.
    case clip
}
