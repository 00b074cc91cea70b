/// The sentence encoders a language-conditioned model can read instructions with, by the name a run's
/// configuration records.
public enum InstructionEncoderKind: String, CaseIterable, Codable, Sendable {
    /// `HashedInstructionEncoder`: no weights.
    case hashedNgrams = "hashed-ngrams"
    /// CLIP's text transformer (needs imported CLIP weights): CLIPort's.
    case clip
    /// DistilBERT (a Hugging Face distilbert-base-uncased folder, `--text-weights`): CLIPort's for
    /// `transporter_lang` and the RN50-BERT agents.
    case distilbert
    /// DistilBERT's architecture randomly initialised (seeded by the run), with the pretrained tokenizer
    /// (`--text-weights` folder's vocab.txt): CLIPort's untrained RN50-BERT.
    case distilbertUntrained = "distilbert-untrained"
}
