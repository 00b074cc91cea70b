import Core
import Dataset
import Foundation
import Geometry
import Model
import Sim

/// Rollouts in the simulator as CLIPort's `eval.py`: for each of the split's first `n` seeds, reset the
/// task, let the agent act until the episode is done or reaches the task's step limit, and score the
/// total reward (partial credit); a checkpoint's score is the mean reward x 100. On `val` every
/// save-step checkpoint is rolled out (those already in the results file are kept); on `test` the one
/// with the best validation score.
public final class Evaluator {
    public struct Episode: Codable, Equatable, Sendable {
        public var seed: Int
        public var reward: Double
        public var steps: Int
        public var instruction: String
        /// Why the episode ended early (a primitive failed, the simulation went unstable, …), if it did.
        public var failure: String?
    }

    public struct CheckpointResult: Codable, Equatable, Sendable {
        public var checkpoint: String
        public var step: Int
        public var episodes: [Episode]
        public var meanReward: Double { episodes.isEmpty ? 0 : episodes.map(\.reward).reduce(0, +) / Double(episodes.count) }
        public var score: Double { 100 * meanReward }

        enum CodingKeys: String, CodingKey { case checkpoint, step, episodes, meanReward = "mean_reward", score }
        public init(checkpoint: String, step: Int, episodes: [Episode]) {
            self.checkpoint = checkpoint; self.step = step; self.episodes = episodes
        }
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            checkpoint = try c.decode(String.self, forKey: .checkpoint)
            step = try c.decode(Int.self, forKey: .step)
            episodes = try c.decode([Episode].self, forKey: .episodes)
        }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(checkpoint, forKey: .checkpoint); try c.encode(step, forKey: .step)
            try c.encode(meanReward, forKey: .meanReward); try c.encode(score, forKey: .score)
            try c.encode(episodes, forKey: .episodes)
        }
    }

    /// RUN/eval/<task>-<split>.json.
    public struct Results: Codable, Equatable, Sendable {
        public var task: String
        public var split: Split
        public var n: Int
        public var checkpoints: [CheckpointResult]
        public var best: CheckpointResult? {
            checkpoints.max { $0.meanReward < $1.meanReward || ($0.meanReward == $1.meanReward && $0.step > $1.step) }
        }
    }

    public let run: TrainingRun
    public let clip: CLIPVisualTrunk?
    public let encoder: InstructionEncoder?
    public var log: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    /// Show the per-checkpoint progress line on standard error.
    public var showsProgress = true
    /// Called after each finished episode (a caller's own progress, e.g. `cliport benchmark`'s).
    public var episodeFinished: (() -> Void)?

    /// Episodes a checkpoint is scored on: at least one (CLIPort's eval.py uses 100).
    public static let episodesRange = 1...100_000

    public init(run: TrainingRun, clip: CLIPVisualTrunk? = nil, encoder: InstructionEncoder? = nil) {
        self.run = run; self.clip = clip; self.encoder = encoder
    }

    public func resultsFile(task: String, split: Split) -> String { run.evalFolder + "/\(task)-\(split.rawValue).json" }

    /// Evaluates the split's checkpoints (or only `checkpoint`, a file name in RUN/checkpoints) and
    /// returns the updated results, also written to `resultsFile`. `pictures` episodes per checkpoint
    /// get affordance pictures of every step.
    public func evaluate(task name: String, split: Split, n: Int, checkpoint: String? = nil, pictures: Int = 0, look: SceneLook = .cliport,
                         shouldStop: () -> Bool = { false }) throws -> Results {
        // No episodes would score 0, as if the agent had failed every one.
        guard Self.episodesRange.contains(n) else {
            throw TrainerError.badOption("the number of episodes must be in \(Self.episodesRange.lowerBound)...\(Self.episodesRange.upperBound) (got \(n))")
        }
        // Image-goal agents act towards a stored demonstration's last observation; a seed alone gives none.
        let model = try run.loadConfiguration().model
        if model.needsGoalImage { throw TrainerError.goalImageRequired(model.rawValue) }
        let task = try TaskRegistry.task(named: name)
        try FileManager.default.createDirectory(atPath: run.evalFolder + "/pictures", withIntermediateDirectories: true)
        let file = resultsFile(task: name, split: split)
        var results = (FileManager.default.contents(atPath: file).flatMap { try? JSONDecoder().decode(Results.self, from: $0) })
            .flatMap { $0.n == n ? $0 : nil } ?? Results(task: name, split: split, n: n, checkpoints: [])
        let chosen = try checkpoints(task: name, split: split, only: checkpoint)
        let environment = try Environment(look: look)
        for path in chosen {
            let label = (path as NSString).lastPathComponent
            if checkpoint == nil, results.checkpoints.contains(where: { $0.checkpoint == label }) { continue }
            let agent = try Agent(checkpoint: path, clip: clip, encoder: encoder, workspace: environment.workspace)
            var episodes: [Episode] = []
            var progress = ProgressLine(label: "eval \(label)")
            let start = Date()
            for i in 0..<n {
                if shouldStop() { break }
                episodes.append(try rollout(agent: agent, task: task, split: split, episode: i, environment: environment,
                                            pictureStem: i < pictures ? "\(name)-\(split.rawValue)-\(label.dropLast(5))-ep\(i)" : nil))
                episodeFinished?()
                guard showsProgress else { continue }
                let rate = Double(i + 1) / Date().timeIntervalSince(start)
                progress.show(String(format: "%d/%d episodes  mean reward %.3f  %.2f episodes/s  ETA %@", i + 1, n,
                                     episodes.map(\.reward).reduce(0, +) / Double(i + 1), rate,
                                     ProgressLine.formatDuration(Double(n - i - 1) / rate)), force: i + 1 == n)
            }
            if showsProgress { progress.finish() }
            guard episodes.count == n else { break }
            let result = CheckpointResult(checkpoint: label, step: agent.step, episodes: episodes)
            results.checkpoints.removeAll { $0.checkpoint == label }
            results.checkpoints.append(result)
            results.checkpoints.sort { $0.step < $1.step }
            try save(results, to: file)
            log(String(format: "%@ on %@ %@: score %.1f (mean reward %.3f over %d episodes)", label, name, split.rawValue,
                       result.score, result.meanReward, n))
        }
        return results
    }

    /// The checkpoint files to roll out.
    func checkpoints(task: String, split: Split, only: String?) throws -> [String] {
        if let only {
            let path = only.contains("/") ? only : run.checkpointsFolder + "/" + only
            guard FileManager.default.fileExists(atPath: path) else { throw TrainerError.badOption("no checkpoint \(path)") }
            return [path]
        }
        let saved = run.savedCheckpoints().map(\.path)
        switch split {
        case .test:
            let valFile = resultsFile(task: task, split: .val)
            guard let data = FileManager.default.contents(atPath: valFile),
                  let val = try? JSONDecoder().decode(Results.self, from: data), let best = val.best else {
                throw TrainerError.noValidationResults(run: run.path, task: task)
            }
            return [run.checkpointsFolder + "/" + best.checkpoint]
        case .val, .train:
            if !saved.isEmpty { return saved }
            guard FileManager.default.fileExists(atPath: run.lastCheckpoint) else { throw TrainerError.noCheckpoints(run: run.path) }
            return [run.lastCheckpoint]
        }
    }

    /// One episode: act until done, the task's step limit, or a failed step.
    func rollout(agent: Agent, task: any Task, split: Split, episode: Int, environment env: Environment,
                 pictureStem: String?) throws -> Episode {
        let seed = split.seed(episode: episode)
        var observation = try env.reset(task: task, seed: seed, split: split)
        let instruction = observation.instruction
        var steps = 0
        var failure: String?
        while !env.done {
            let heightmap = HeightmapFusion.fuse(frames: observation.frames, cameras: env.cameras, workspace: env.workspace)
            let action = try agent.act(heightmap: heightmap, instruction: observation.instruction)
            if let pictureStem {
                try AffordancePicture.make(heightmap: heightmap, action: action)
                    .write(to: run.evalFolder + "/pictures/\(pictureStem)-step\(steps).png", fast: true)
            }
            steps += 1
            do {
                let result = try env.step(PickPlaceAction(pick: action.pickPose, place: action.placePose))
                observation = result.observation
                if result.done { break }
            } catch {
                failure = "\(error)"
                break
            }
        }
        return Episode(seed: seed, reward: env.totalReward, steps: steps, instruction: instruction, failure: failure)
    }

    func save(_ results: Results, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try DurableFile.write(try encoder.encode(results), to: path)
    }
}
