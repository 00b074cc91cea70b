import Model

/// Turns an instruction into the sentence feature [1, D] a language-conditioned network consumes.
/// Implementations: `HashedInstructionEncoder` (no weights) and CLIP's text transformer.
public protocol InstructionEncoder: AnyObject {
    /// Which encoder it is, as a run's configuration records it.
    var kind: InstructionEncoderKind { get }
    var dimension: Int { get }
    func feature(for instruction: String) throws -> Tensor
}

/// A fixed, weight-free sentence feature: signed feature hashing of the instruction's lower-cased words
/// and word pairs into `dimension` buckets, scaled to a root-mean-square of √3 per entry: PyTorch's
/// Linear init draws weights of variance 1/(3·in), so each language projection then starts with unit
/// variance and the products x ⊙ Linear(g) keep the signal's scale (a unit-norm vector would shrink it
/// about 50-fold per product). Word pairs keep the order that matters in
/// "put the red blocks in a green bowl" (a bag of words cannot tell it from "green blocks in a red bowl").
/// The network's own language projections learn what the buckets mean. The hash is FNV-1a (stable across
/// runs and machines; Swift's `Hasher` is seeded per process).
public final class HashedInstructionEncoder: InstructionEncoder {
    public let kind = InstructionEncoderKind.hashedNgrams
    public let dimension: Int
    private var cache: [String: Tensor] = [:]

    public init(dimension: Int = 1024) {
        precondition(dimension > 0, "HashedInstructionEncoder: dimension must be positive")
        self.dimension = dimension
    }

    public func feature(for instruction: String) -> Tensor {
        if let cached = cache[instruction] { return cached }
        let words = Self.words(instruction)
        var values = [Float](repeating: 0, count: dimension)
        var grams = words
        if words.count > 1 { for i in 1..<words.count { grams.append(words[i - 1] + " " + words[i]) } }
        for gram in grams {
            let h = Self.fnv1a(gram)
            values[Int(h % UInt64(dimension))] += (h >> 63) == 0 ? 1 : -1
        }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 { for i in values.indices { values[i] *= Float(3 * dimension).squareRoot() / norm } }
        let t = Tensor(shape: [1, dimension], scalars: values)
        cache[instruction] = t
        return t
    }

    static func words(_ s: String) -> [String] {
        s.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    static func fnv1a(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}

/// CLIP's text transformer (frozen) over CLIP's BPE tokens: CLIPort's sentence feature, cached per
/// instruction.
public final class CLIPInstructionEncoder: InstructionEncoder {
    public let kind = InstructionEncoderKind.clip
    public let dimension: Int
    private let cache: TextFeatureCache

    public init(weights: CLIPWeights, vocabularyPath: String) throws {
        cache = try TextFeatureCache(weights: weights, vocabularyPath: vocabularyPath)
        dimension = try weights.text.tensor("text_projection").shape[1]
    }

    public func feature(for instruction: String) throws -> Tensor { try cache.feature(for: instruction) }
}
