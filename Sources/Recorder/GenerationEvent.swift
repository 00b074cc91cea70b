import Foundation

/// What a worker reports, one JSON object per line on its stdout (`cliport demos-worker`); the in-process
/// run reports the same events directly.
public struct GenerationEvent: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// One seed was tried (`success`, or `failure` with its reason).
        case episode
        /// A unit's shard is written.
        case unitFinished
        /// The worker stopped on request; its unit continues on the next run.
        case stopped
        /// The worker hit an error it cannot get past (`message`), e.g. a full disk.
        case failed
        /// The worker has no more units.
        case finished
    }

    public var kind: Kind
    public var unit: Int?
    public var seed: Int?
    public var failure: EpisodeFailure?
    public var timing: EpisodeTiming?
    public var shard: String?
    public var message: String?
    /// The sender's CPU seconds so far.
    public var cpuSeconds: Double?

    public init(kind: Kind, unit: Int? = nil, seed: Int? = nil, failure: EpisodeFailure? = nil, timing: EpisodeTiming? = nil,
                shard: String? = nil, message: String? = nil, cpuSeconds: Double? = nil) {
        self.kind = kind; self.unit = unit; self.seed = seed; self.failure = failure; self.timing = timing
        self.shard = shard; self.message = message; self.cpuSeconds = cpuSeconds
    }

    /// One line of JSON (no newline inside).
    public var line: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    public init?(line: String) {
        guard let value = try? JSONDecoder().decode(GenerationEvent.self, from: Data(line.utf8)) else { return nil }
        self = value
    }
}
