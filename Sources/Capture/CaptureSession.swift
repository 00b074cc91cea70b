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
    /// Record a pick rotation too (parallel-jaw grippers): the page lets a drag from the pick set it.
    public var pickRotation: Bool

    public init(outputFolder: String, task: String, split: String = "train", workspace: Workspace = .cliport,
                rotationBins: Int = RotationBins.cliport, pickRotation: Bool = false) {
        self.outputFolder = outputFolder; self.task = task; self.split = split
        self.workspace = workspace; self.rotationBins = rotationBins; self.pickRotation = pickRotation
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
    /// Episodes saved (as successes) and set apart as failures since this session started.
    public private(set) var savedThisSession = 0
    public private(set) var failedThisSession = 0
    public private(set) var resumed = false
    /// Which cells of the current heightmap some camera saw (1) and which none did (0).
    public private(set) var coverage: [UInt8]?
    /// Counts episode starts (a new episode, a discard, a set-apart failure): the page resets its
    /// instruction field when it changes.
    public private(set) var episodeSerial = 0
    /// Called with what a long operation (saving) is doing, for the page's progress line.
    public var progress: ((String) -> Void)?
    private var objectNames: [String]?
    private var instructionHistory: [String] = []
    private var proposal: ClickedAction?
    /// Bumped whenever the robot acts or the scene is reset: views of the same scene epoch show the same
    /// scene, so a click on one of them is still valid after a live refresh.
    private var sceneEpoch = 0
    /// The latest views of the current scene epoch (the page may still show one of them).
    private var recentViews: [RecentView] = []
    private let failedArchive: EpisodeArchive

    struct RecentView {
        var view: Int
        var observation: ObservationRecord
        var capture: CameraCapture
    }

    /// How many views of one scene a click may lag behind (the page stops refreshing while a click is pending).
    static let keptViews = 4

    public init(camera: any CameraSource, robot: any RobotClient, configuration: CaptureConfiguration,
                proposer: (any ActionProposer)? = nil) throws {
        self.camera = camera
        self.proposer = proposer
        self.robot = GuardedRobot(robot: robot, workspace: configuration.workspace)
        self.configuration = configuration
        archive = try EpisodeArchive(folder: configuration.outputFolder)
        failedArchive = try EpisodeArchive(folder: (configuration.outputFolder as NSString).appendingPathComponent("failed"),
                                           stagingFolder: archive.stagingFolder)
        journal = try EpisodeJournal(folder: ((configuration.outputFolder as NSString).appendingPathComponent(".capture") as NSString)
            .appendingPathComponent("journal"))
        savedEpisodes = archive.existingEpisodes().map(EpisodeArchive.fileName(episode:))
        try checkFolderWorkspace()
    }

    /// Episodes of one folder must share the workspace (the loader needs one heightmap size per folder,
    /// and pixels mean places only with their bounds): a different --workspace is refused up front.
    private func checkFolderWorkspace() throws {
        guard let first = archive.existingEpisodes().first else { return }
        let path = (configuration.outputFolder as NSString).appendingPathComponent(EpisodeArchive.fileName(episode: first))
        guard let stored = (try? DatasetReader(path: path))?.headers.first?.workspace, stored != workspace else { return }
        throw CaptureError.invalidOption("\(path) was recorded with --workspace \(CaptureSetup.describe(stored)) (a \(stored.rows)x\(stored.cols) "
            + "heightmap), not \(CaptureSetup.describe(workspace)) (\(workspace.rows)x\(workspace.cols)): use the same --workspace "
            + "for this folder, or another --out for the new one")
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
            if let step = journaled.first, step.observation.heightmap.rows != workspace.rows || step.observation.heightmap.cols != workspace.cols {
                throw CaptureError.invalidOption("the journaled episode \(header.episode) in \(configuration.outputFolder)/.capture has "
                    + "\(step.observation.heightmap.rows)x\(step.observation.heightmap.cols) heightmaps, but --workspace \(CaptureSetup.describe(workspace)) "
                    + "gives \(workspace.rows)x\(workspace.cols): restart with the --workspace it was recorded with")
            }
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
        episodeSerial += 1
        seed = Self.seed(episode: number)
        steps = []
        objectNames = nil
        try journal.begin(.init(episode: episode, seed: seed, objectNames: [], started: ISO8601DateFormatter().string(from: Date())))
        try beginDeviceEpisode()
        message = "episode \(episode): click the pick point"
    }

    private func beginDeviceEpisode() throws {
        sceneChanged()
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
            coverage = HeightmapCoverage.seen(frames: capture.frames, cameras: camera.cameras, workspace: workspace)
            // Heights are stored rounded to 0.1 mm; rounding here too makes the commanded z exactly the
            // stored heightmap's value at the clicked pixel.
            if let quantum = ObservationStorage.standard.heightQuantum {
                heightmap.height = DepthEncoding.round(heightmap.height, quantum: quantum)
            }
            current = ObservationRecord(frames: capture.frames, heightmap: heightmap, objectPoses: capture.objectPoses)
            currentCapture = capture
            view += 1
            recentViews.append(RecentView(view: view, observation: current!, capture: capture))
            if recentViews.count > Self.keptViews { recentViews.removeFirst(recentViews.count - Self.keptViews) }
            lastError = nil
            proposal = nil
            if let proposer, let current {
                proposal = try? proposer.propose(observation: current, instruction: capture.suggestedInstruction ?? instructionHistory.last ?? "")
            }
            return true
        } catch {
            current = nil
            currentCapture = nil
            coverage = nil
            recentViews = []  // the camera failed: no old picture is trusted any more
            lastError = "\(error)"
            return false
        }
    }

    /// The robot acted or the scene was reset: earlier views no longer show the scene.
    private func sceneChanged() {
        sceneEpoch += 1
        recentViews = []
    }

    /// The view a click was made on, if it still shows the scene: the current one, or an earlier view
    /// taken since the robot last acted (a live refresh in between does not change the scene).
    private func usableView(_ clickedView: Int) throws -> RecentView {
        guard current != nil else { throw CaptureError.noView(reason: lastError ?? "no capture yet") }
        guard let clicked = recentViews.last(where: { $0.view == clickedView }) else {
            throw CaptureError.viewChanged(clicked: clickedView, current: view)
        }
        return clicked
    }

    /// The poses a click would command, for the page to show before confirming.
    public func preview(_ click: ClickedAction, view clickedView: Int) throws -> PickPlaceAction {
        let observation = try usableView(clickedView).observation
        return try click.poses(heightmap: observation.heightmap, workspace: workspace, rotationBins: configuration.rotationBins)
    }

    /// Executes and records one step: validate, move the robot, journal the step, capture the next view.
    /// Returns a line for the page.
    @discardableResult
    public func record(_ click: ClickedAction, view clickedView: Int, instruction rawInstruction: String) throws -> String {
        let instruction = rawInstruction.trimmingCharacters(in: .whitespacesAndNewlines)
        if (click.pickRotationBin ?? 0) != 0 && !configuration.pickRotation {
            throw CaptureError.badRequest("a pick rotation was sent, but this session records pick yaw 0 (start with --pick-rotation for a parallel-jaw gripper)")
        }
        guard !instruction.isEmpty else { throw CaptureError.emptyInstruction }
        guard instruction.count <= 500 else { throw CaptureError.badRequest("the instruction is longer than 500 characters") }
        // The step records the picture the operator clicked on (the pixels refer to it).
        let clicked = try usableView(clickedView)
        let observation = clicked.observation
        let action = try click.poses(heightmap: observation.heightmap, workspace: workspace, rotationBins: configuration.rotationBins)
        let names = clicked.capture.objectNames
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
            coverage = nil
            sceneChanged()
            lastError = "\(error)"
            throw error
        }
        sceneChanged()
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

    /// Ends the episode with the operator's verdict and starts the next. A success is saved as a durable
    /// file in the output folder (the current view is its final observation); a simulated episode the task
    /// judges failed is refused (`unsuccessfulEpisode`) and kept in progress. A failure is set apart in
    /// `OUT/failed/` (success = 0, kept for study; the dataset folder keeps successful episodes only) and the
    /// episode is recorded again (same number, same simulator seed).
    @discardableResult
    public func endEpisode(outcome: EpisodeOutcome = .success) throws -> String {
        guard !steps.isEmpty else { throw CaptureError.emptyEpisode }
        guard let final = current else {
            throw CaptureError.noView(reason: "the final observation is needed to end the episode; \(lastError ?? "no capture")")
        }
        var records = steps
        let judged = robot.robot.kind == .simulated
        let succeeded = outcome == .success
        // A real robot cannot judge success: the operator's verdict sets the last step's reward.
        if !judged { records[records.count - 1].reward = succeeded ? 1 : 0 }
        records[records.count - 1].done = true
        let total = records.map(\.reward).reduce(0, +)
        // A failed episode would make the folder a dataset `cliport dataset check` rejects; it stays journaled.
        if succeeded { guard total > 0.99 else { throw CaptureError.unsuccessfulEpisode(totalReward: total) } }
        let names = objectNames ?? []
        let metadata = EpisodeMetadata(task: configuration.task, split: configuration.split, seed: judged ? seed : -1,
                                       success: succeeded, totalReward: total, source: .operator,
                                       instruction: records[0].instruction, objectNames: names,
                                       failureReason: succeeded ? "" : "the operator marked the episode failed")
        var finalObservation = final
        if finalObservation.objectPoses.count != names.count { finalObservation.objectPoses = [] }
        let target = succeeded ? archive : failedArchive
        let number = succeeded ? episode : target.nextEpisode()
        let report = progress ?? { _ in }
        let stepsText = "\(records.count) step\(records.count == 1 ? "" : "s")"
        let path = try target.write(EpisodeRecord(metadata: metadata, steps: records, finalObservation: finalObservation),
                                    number: number, header: header, calibration: camera.calibration) { stage in
            report("saving episode \(self.episode) (\(stepsText)): \(stage)")
        }
        let saved = episode
        if succeeded {
            savedEpisodes.append((path as NSString).lastPathComponent)
            savedThisSession += 1
        } else {
            failedThisSession += 1
        }
        report("saving episode \(saved) (\(stepsText)): done; preparing the next episode (\(EpisodeArchive.stageCount) of \(EpisodeArchive.stageCount))")
        try startNewEpisode(episode: archive.nextEpisode())
        let tally = "\(savedThisSession) episode\(savedThisSession == 1 ? "" : "s") saved this session, \(savedEpisodes.count) in the folder"
        if succeeded {
            message = "saved episode \(saved) (\(stepsText), success) to \(path): \(tally); episode \(episode): click the pick point"
        } else {
            message = "episode \(saved) marked failed and set apart as \(path) (\(stepsText)): \(tally); "
                + "recording episode \(episode) again" + (judged ? "" : ": set the scene up")
        }
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
            message: message, error: lastError, busy: busy, savedEpisodes: savedEpisodes, resumed: resumed,
            savedThisSession: savedThisSession, failedThisSession: failedThisSession, episodeSerial: episodeSerial,
            goal: currentCapture?.suggestedInstruction, lastInstruction: steps.last?.instruction,
            cameraViews: CameraThumbnails.layout(camera.cameras), pickRotation: configuration.pickRotation)
    }

    /// The current heightmap for the page: colour (rows x cols x 3 bytes), height (rows x cols
    /// little-endian Float32, metres above the workspace floor), then coverage (rows x cols bytes, 1 where
    /// a camera saw the cell).
    public func viewBytes() -> Data? {
        guard let h = current?.heightmap else { return nil }
        var data = Data(h.color)
        h.height.withUnsafeBytes { data.append(contentsOf: $0) }
        data.append(contentsOf: coverage ?? [UInt8](repeating: 1, count: h.rows * h.cols))
        return data
    }

    /// The current camera frames for the page, downsampled (`CameraThumbnails`).
    public func cameraBytes() -> Data? {
        guard let frames = currentCapture?.frames else { return nil }
        return CameraThumbnails.bytes(frames: frames, cameras: camera.cameras)
    }
}
