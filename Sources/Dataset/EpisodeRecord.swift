/// A whole episode: its metadata, the T steps, and the observation after the last action.
public struct EpisodeRecord: Equatable, Sendable {
    public var metadata: EpisodeMetadata
    public var steps: [StepRecord]
    public var finalObservation: ObservationRecord

    public init(metadata: EpisodeMetadata, steps: [StepRecord], finalObservation: ObservationRecord) {
        self.metadata = metadata; self.steps = steps; self.finalObservation = finalObservation
    }
}
