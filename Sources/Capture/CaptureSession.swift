import Core
import Dataset
import Foundation
import Geometry
import Sim

/// Settings of a capture run.
public struct CaptureConfiguration: Sendable {
    /// Where episode files go (`episode-NNNNNN.hdf5`) and the tool keeps its journal (`.capture/`).
    public var outputFolder: String
    /// The task name stored with each episode.
    public var task: String
    public var split: String
    public var workspace: Workspace
    public var rotationBins: Int

    public init(outputFolder: String, task: String, split: String = "train", workspace: Workspace = .cliport,
                rotationBins: Int = RotationBins.cliport) {
        self.outputFolder = outputFolder; self.task = task; self.split = split
        self.workspace = workspace; self.rotationBins = rotationBins
    }
}

/// Suggests an action for the current view: a trained agent (`cliport capture --checkpoint`, see
/// `AgentActionProposer` in the command-line target, which joins the capture tool and the trainer).
public protocol ActionProposer: AnyObject {
    func propose(observation: ObservationRecord, instruction: String) throws -> ClickedAction
}

/// The recording loop behind the page: capture a view, take the operator's clicks, have the robot act,
/// journal the step, capture the next view; end, discard or undo. Every call must come from the session
/// thread (`CaptureService` sees to it). Device failures become `lastError` (shown on the page) and never
/// touch what is already recorded.
public final class CaptureSession {
    public let camera: any CameraSource
    public let robot: GuardedRobot
    public let configuration: CaptureConfiguration
    public var proposer: (any ActionProposer)?
    let archive: EpisodeArchive
    let journal: EpisodeJournal

    public private(set) var episode = 0
    public private(set) var seed = 0
    public private(set) var steps: [StepRecord] = []
    public private(set) var current: ObservationRecord?
    public private(set) var currentCapture: CameraCapture?
    public private(set) var view = 0
    public private(set) var lastError: String?
    public private(set) var message = ""
    public private(set) var savedEpisodes: [String] = []
    public private(set) var resumed = false
    private var objectNames: [String]?
    private var instructionHistory: [String] = []
    private var proposal: ClickedAction?

    public init(camera: any CameraSource, robot: any RobotClient, configuration: CaptureConfiguration,
                proposer: (any ActionProposer)? = nil) throws {
        self.camera = camera
        self.proposer = proposer
        self.robot = GuardedRobot(robot: robot, workspace: configuration.workspace)
        self.configuration = configuration
        archive = try EpisodeArchive(folder: configuration.outputFolder)
        journal = try EpisodeJournal(folder: ((configuration.outputFolder as NSString).appendingPathComponent(".capture") as NSString)
            .appendingPathComponent("journal"))
        savedEpisodes = archive.existingEpisodes().map(EpisodeArchive.fileName(episode:))
    }

    /// The simulator's seed for episode `n` (CLIPort's train seeds 0, 2, 4, ...); real robots ignore it.
    public static func seed(episode n: Int) -> Int { Split.train.seed(episode: n) }

    public var workspace: Workspace { configuration.workspace }

    public var header: DatasetHeader {
        DatasetHeader(task: configuration.task, split: configuration.split, cameras: camera.cameras,
                      workspace: workspace, rotationBins: configuration.rotationBins, look: camera.look)
    }

    /// Resumes the journaled episode if there is one, else starts the next; then captures the first view.
    public func start() throws {
        if let loaded = try journal.load() {
            let (header, journaled) = (loaded.header, loaded.steps)
            episode = header.episode
            seed = header.seed
            objectNames = header.objectNames.isEmpty && journaled.isEmpty ? nil : header.objectNames
            steps = journaled
            instructionHistory = Array(Set(journaled.map(\.instruction))).sorted()
            resumed = true
            message = "resumed episode \(episode) at step \(steps.count) (journaled before the last stop)"
            if episode < archive.nextEpisode() {  // the episode file was written but the journal not yet cleared
                try startNewEpisode(episode: archive.nextEpisode())
                message = "the journaled episode was already saved; started episode \(episode)"
                return
            }
            try beginDeviceEpisode()
        } else {
            try startNewEpisode(episode: archive.nextEpisode())
        }
    }

    private func startNewEpisode(episode number: Int) throws {
        episode = number
        seed = Self.seed(episode: number)
        steps = []
        objectNames = nil
        try journal.begin(.init(episode: episode, seed: seed, objectNames: [], started: ISO8601DateFormatter().string(from: Date())))
        try beginDeviceEpisode()
        message = "episode \(episode): click the pick point"
    }

    private func beginDeviceEpisode() throws {
        do {
            try robot.robot.beginEpisode(seed: seed, replaying: steps.map { PickPlaceAction(pick: $0.action.pickPose, place: $0.action.placePose) })
        } catch {
            lastError = "\(error)"
        }
        refresh()
    }

    /// Captures a new view; a failure is kept in `lastError` and the old view is marked unusable.
    @discardableResult
    public func refresh() -> Bool {
        do {
            let capture = try camera.capture()
            guard capture.frames.count == camera.cameras.count else {
                throw CaptureError.cameraFiles(path: camera.name, problem: "\(capture.frames.count) frames for \(camera.cameras.count) cameras")
            }
            var heightmap = HeightmapFusion.fuse(frames: capture.frames, cameras: camera.cameras, workspace: workspace)
            // Heights are stored rounded to 0.1 mm; rounding here too makes the commanded z exactly the
            // stored heightmap's value at the clicked pixel.
            if let quantum = ObservationStorage.standard.heightQuantum {
                heightmap.height = DepthEncoding.round(heightmap.height, quantum: quantum)
            }
            current = ObservationRecord(frames: capture.frames, heightmap: heightmap, objectPoses: capture.objectPoses)
            currentCapture = capture
            view += 1
            lastError = nil
            proposal = nil
            if let proposer, let current {
                proposal = try? proposer.propose(observation: current, instruction: capture.suggestedInstruction ?? instructionHistory.last ?? "")
            }
            return true
        } catch {
            current = nil
            currentCapture = nil
            lastError = "\(error)"
            return false
        }
    }

    private func usableView(_ clickedView: Int) throws -> ObservationRecord {
        guard let current else { throw CaptureError.noView(reason: lastError ?? "no capture yet") }
        guard clickedView == view else { throw CaptureError.viewChanged(clicked: clickedView, current: view) }
        return current
    }

    /// The poses a click would command, for the page to show before confirming.
    public func preview(_ click: ClickedAction, view clickedView: Int) throws -> PickPlaceAction {
        let observation = try usableView(clickedView)
        return try click.poses(heightmap: observation.heightmap, workspace: workspace, rotationBins: configuration.rotationBins)
    }

    /// Executes and records one step: validate, move the robot, journal the step, capture the next view.
    /// Returns a line for the page.
    @discardableResult
    public func record(_ click: ClickedAction, view clickedView: Int, instruction rawInstruction: String) throws -> String {
        let instruction = rawInstruction.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !instruction.isEmpty else { throw CaptureError.emptyInstruction }
        guard instruction.count <= 500 else { throw CaptureError.badRequest("the instruction is longer than 500 characters") }
        let observation = try usableView(clickedView)
        let action = try click.poses(heightmap: observation.heightmap, workspace: workspace, rotationBins: configuration.rotationBins)
        let names = currentCapture?.objectNames ?? []
        if let known = objectNames, known != names {
            throw CaptureError.badRequest("the camera source changed its object list during the episode (\(known) -> \(names)); discard the episode")
        }
        let reply: RobotReply
        do {
            reply = try robot.execute(action)
        } catch {
            // The world may have changed (a timeout can come after the motion): the old view is no longer trusted.
            current = nil
            currentCapture = nil
            lastError = "\(error)"
            throw error
        }
        if objectNames == nil {
            objectNames = names
            try journal.begin(.init(episode: episode, seed: seed, objectNames: names, started: ISO8601DateFormatter().string(from: Date())))
        }
        let step = StepRecord(observation: observation,
                              action: ActionRecord(pickPose: action.pick, placePose: action.place, pickPixel: click.pick,
                                                   placePixel: click.place, rotationBin: click.rotationBin),
                              reward: reply.reward ?? 0, done: reply.done, instruction: instruction)
        try journal.append(step, index: steps.count)
        steps.append(step)
        if !instructionHistory.contains(instruction) { instructionHistory.append(instruction) }
        var line = "step \(steps.count) recorded (\(reply.message))"
        if reply.done { line += "; the robot reports the task done: end the episode (E)" }
        if !refresh() { line += "; but the next view could not be captured: \(lastError ?? "")" }
        message = line
        return line
    }

    /// Forgets the last step. The simulator is reset and replayed; with a real robot, put the objects back.
    public func undo() throws {
        guard !steps.isEmpty else { throw CaptureError.nothingToUndo }
        journal.removeStep(steps.count - 1)
        steps.removeLast()
        try beginDeviceEpisode()
        message = robot.robot.kind == .simulated
            ? "undid the last step (the simulator replayed the remaining \(steps.count))"
            : "undid the last step: put the objects back where they were, then press Refresh (R)"
    }

    /// Drops the episode in progress and starts it again (same number, same simulator seed).
    public func discard() throws {
        let dropped = steps.count
        try startNewEpisode(episode: episode)
        message = "discarded \(dropped) step\(dropped == 1 ? "" : "s"); re-recording episode \(episode)"
            + (robot.robot.kind == .simulated ? "" : ": set the scene up again")
    }

    /// Saves the episode as a durable file (the current view is its final observation) and starts the next.
    /// A simulated episode the task judges failed is refused (`unsuccessfulEpisode`) and kept in progress.
    @discardableResult
    public func endEpisode() throws -> String {
        guard !steps.isEmpty else { throw CaptureError.emptyEpisode }
        guard let final = current else {
            throw CaptureError.noView(reason: "the final observation is needed to end the episode; \(lastError ?? "no capture")")
        }
        var records = steps
        let judged = robot.robot.kind == .simulated
        // A real robot cannot judge success: ending the episode is the operator's word that it succeeded.
        if !judged { records[records.count - 1].reward = 1 }
        records[records.count - 1].done = true
        let total = records.map(\.reward).reduce(0, +)
        // A failed episode would make the folder a dataset `cliport dataset check` rejects; it stays journaled.
        guard total > 0.99 else { throw CaptureError.unsuccessfulEpisode(totalReward: total) }
        let names = objectNames ?? []
        let metadata = EpisodeMetadata(task: configuration.task, split: configuration.split, seed: judged ? seed : -1,
                                       success: true, totalReward: total, source: .operator,
                                       instruction: records[0].instruction, objectNames: names,
                                       failureReason: "")
        var finalObservation = final
        if finalObservation.objectPoses.count != names.count { finalObservation.objectPoses = [] }
        let path = try archive.write(EpisodeRecord(metadata: metadata, steps: records, finalObservation: finalObservation),
                                     number: episode, header: header, calibration: camera.calibration)
        savedEpisodes.append((path as NSString).lastPathComponent)
        let saved = episode
        try startNewEpisode(episode: archive.nextEpisode())
        message = "saved episode \(saved) (\(records.count) step\(records.count == 1 ? "" : "s"), success) "
            + "to \(path); episode \(episode): click the pick point"
        return path
    }

    /// The state the page draws.
    public func state(busy: String? = nil) -> CaptureState {
        let w = workspace
        var suggestions = instructionHistory.reversed().map { $0 }
        if let s = currentCapture?.suggestedInstruction, !s.isEmpty {
            suggestions.removeAll { $0 == s }
            suggestions.insert(s, at: 0)
        }
        let objects = zip(currentCapture?.objectNames ?? [], currentCapture?.objectPoses ?? []).map { name, pose in
            let p = w.pixel(of: pose.position)
            return CaptureState.ObjectMarker(name: name, row: p.row, col: p.col)
        }
        return CaptureState(
            task: configuration.task, episode: episode, seed: seed,
            steps: steps.map { s in
                .init(pick: .init(row: s.action.pickPixel.row, col: s.action.pickPixel.col),
                      place: .init(row: s.action.placePixel.row, col: s.action.placePixel.col),
                      rotationBin: s.action.rotationBin, instruction: s.instruction, reward: s.reward)
            },
            view: view, viewOK: current != nil, rows: w.rows, cols: w.cols,
            bounds: [[w.xRange.lowerBound, w.xRange.upperBound], [w.yRange.lowerBound, w.yRange.upperBound],
                     [w.zRange.lowerBound, w.zRange.upperBound]],
            pixelSize: w.pixelSize, rotationBins: configuration.rotationBins, camera: camera.name, robot: robot.robot.name,
            robotKind: robot.robot.kind.rawValue, instructionSuggestions: suggestions, objects: objects, proposal: proposal,
            message: message, error: lastError, busy: busy, savedEpisodes: savedEpisodes, resumed: resumed)
    }

    /// The current heightmap for the page: colour (rows x cols x 3 bytes) then height (rows x cols
    /// little-endian Float32, metres above the workspace floor).
    public func viewBytes() -> Data? {
        guard let h = current?.heightmap else { return nil }
        var data = Data(h.color)
        h.height.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }
}
