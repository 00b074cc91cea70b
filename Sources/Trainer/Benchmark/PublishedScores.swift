/// One row's cells of CLIPort's Table 1 at one demo count, by method; a missing cell is written as null.
public struct PublishedScores: Codable, Equatable, Sendable {
    public var scores: [PublishedMethod: Double]

    public init(task: String, demos: Int) {
        var scores: [PublishedMethod: Double] = [:]
        for method in PublishedMethod.allCases { scores[method] = CLIPortTable1.score(task: task, method: method, demos: demos) }
        self.scores = scores
    }

    public subscript(method: PublishedMethod) -> Double? { scores[method] }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        var scores: [PublishedMethod: Double] = [:]
        for method in PublishedMethod.allCases {
            scores[method] = try c.decodeIfPresent(Double.self, forKey: Key(stringValue: method.rawValue))
        }
        self.scores = scores
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        for method in PublishedMethod.allCases {
            let key = Key(stringValue: method.rawValue)
            if let value = scores[method] { try c.encode(value, forKey: key) } else { try c.encodeNil(forKey: key) }
        }
    }
}
