import Foundation

/// An instruction's CLIP sentence feature, computed once: tokenize → `CLIPTextTransformer` → [1, 1024].
///
/// CLIP is frozen, so a feature depends on the instruction string alone; a dataset has a few hundred
/// distinct instructions, and the trainer asks for each one thousands of times. The cache is keyed by
/// the exact string (CLIP's cleaning is cheap, but two spellings that clean alike are rare enough not
/// to matter). Thread-safe: data-loading threads may ask concurrently; a miss computes outside the lock.
public final class TextFeatureCache: @unchecked Sendable {
    public let tokenizer: CLIPTokenizer
    public let encoder: CLIPTextTransformer
    private var features: [String: Tensor] = [:]
    private let lock = NSLock()

    public init(tokenizer: CLIPTokenizer, encoder: CLIPTextTransformer) {
        self.tokenizer = tokenizer; self.encoder = encoder
    }

    /// The text encoder of imported CLIP weights and the vocabulary at `vocabularyPath`; throws the
    /// tokenizer's error (naming the file and `scripts/fetch-clip-vocab.sh`) when it is missing.
    public convenience init(weights: CLIPWeights, vocabularyPath: String = CLIPTokenizer.defaultVocabularyPath) throws {
        self.init(tokenizer: try CLIPTokenizer(vocabularyPath: vocabularyPath), encoder: try weights.textTransformer())
    }

    /// Number of instructions cached so far.
    public var count: Int { lock.lock(); defer { lock.unlock() }; return features.count }

    /// The sentence feature [1, E] of `instruction` (E = 1024 for RN50).
    public func feature(for instruction: String) throws -> Tensor {
        lock.lock()
        if let f = features[instruction] { lock.unlock(); return f }
        lock.unlock()
        let ids = tokenizer.tokenize(instruction, contextLength: encoder.contextLength)
        let f = try encoder.forward(tokens: [ids]).sentence
        lock.lock(); features[instruction] = f; lock.unlock()
        return f
    }

    /// Sentence features of several instructions stacked as [N, E] (one row each, in order).
    public func features(for instructions: [String]) throws -> Tensor {
        let rows = try instructions.map { try feature(for: $0) }
        let e = rows.first?.shape[1] ?? 0
        return Tensor(shape: [rows.count, e], scalars: rows.flatMap(\.scalars))
    }
}
