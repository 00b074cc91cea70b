import Foundation

/// What the page shows, as JSON (`GET /api/state`).
public struct CaptureState: Codable, Equatable, Sendable {
    public struct StepSummary: Codable, Equatable, Sendable {
        public var pick: PixelJSON
        public var place: PixelJSON
        public var rotationBin: Int
        public var instruction: String
        public var reward: Double
    }

    public struct PixelJSON: Codable, Equatable, Sendable {
        public var row: Int
        public var col: Int
    }

    public struct ObjectMarker: Codable, Equatable, Sendable {
        public var name: String
        public var row: Int
        public var col: Int
    }

    public var task: String
    public var episode: Int
    public var seed: Int
    public var steps: [StepSummary]
    /// Increments with every successful capture; clicks name the view they were made on.
    public var view: Int
    /// False when the last capture failed (the page then shows `error` and refuses to record).
    public var viewOK: Bool
    public var rows: Int
    public var cols: Int
    public var bounds: [[Double]]
    public var pixelSize: Double
    public var rotationBins: Int
    public var camera: String
    public var robot: String
    public var robotKind: String
    public var instructionSuggestions: [String]
    /// Objects the source knows (simulator only), as heightmap pixels.
    public var objects: [ObjectMarker]
    /// The agent's proposed action (with --checkpoint), nil otherwise.
    public var proposal: ClickedAction?
    public var message: String
    public var error: String?
    public var busy: String?
    public var savedEpisodes: [String]
    public var resumed: Bool
    /// Episodes saved (successes) and set apart (failures) since the tool started.
    public var savedThisSession: Int
    public var failedThisSession: Int
    /// Changes whenever an episode starts (new, discarded, set apart): the page resets the instruction.
    public var episodeSerial: Int
    /// The simulated task's current goal (nil for real cameras).
    public var goal: String?
    /// The instruction of the episode's last recorded step (a resumed episode continues with it).
    public var lastInstruction: String?
    /// The downsampled camera images served by `GET /api/cameras`, in that order.
    public var cameraViews: [CameraThumbnails.Layout]
    /// The pick can be turned too (`--pick-rotation`, parallel-jaw grippers).
    public var pickRotation: Bool
}
