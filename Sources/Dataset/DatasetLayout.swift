import HDF5

/// Every name in a cliport dataset file: groups, datasets and attributes (docs/dataset-format.md maps to
/// this file line by line). Writers, readers, the contract check and the maintenance tools all take their
/// names from here.
public enum DatasetLayout {
    /// Bumped whenever the layout changes in a way older readers would misread. Fletcher-32 checksums (added
    /// in version 1) did not need a bump: any libhdf5 reads them, and files without them still read.
    public static let schemaVersion = 1
    public static let generatorName = "cliport-swift"
    public static let generatorVersion = "0.1.0"
    public static var generator: String { "\(generatorName) \(generatorVersion)" }

    // MARK: groups

    /// `/data`: the episodes, `data/demo_N`.
    public static let dataGroup = "data"
    /// `/mask`: robomimic's filter keys.
    public static let maskGroup = "mask"
    public static let demoPrefix = "demo_"

    public static func demoName(_ index: Int) -> String { "\(demoPrefix)\(index)" }

    /// The index of "demo_N", or nil for other names.
    public static func demoIndex(_ name: String) -> Int? {
        guard name.hasPrefix(demoPrefix), let n = Int(name.dropFirst(demoPrefix.count)), n >= 0,
              demoName(n) == name else { return nil }
        return n
    }

    /// The path of episode `index` from the root: "data/demo_N".
    public static func demoPath(_ index: Int) -> String { "\(dataGroup)/\(demoName(index))" }

    /// The "demo_N" names of `names` in N order (HDF5 lists names alphabetically: demo_10 before demo_2).
    public static func demoNames(_ names: [String]) -> [String] {
        names.compactMap { name in demoIndex(name).map { (name, $0) } }.sorted { $0.1 < $1.1 }.map(\.0)
    }

    /// The "demo_N" members of a `data` group in N order.
    public static func demoNames(in data: HDF5Group) throws -> [String] { demoNames(try data.memberNames()) }

    // MARK: root and `data` attributes

    public enum FileAttribute {
        public static let schemaVersion = "schema_version"
        public static let generator = "generator"
        /// ISO 8601 UTC time of writing (`DatasetCreationTime`).
        public static let created = "created"
        /// The `DatasetHeader` JSON, on the root and on `data`.
        public static let envArgs = "env_args"
        /// On `data`: the number of steps in the file.
        public static let total = "total"
        /// On the root of a merged index: the shard files its links point to.
        public static let mergedFrom = "merged_from"
    }

    /// Root attributes of a shard made by `cliport demos` (`ShardGenerationRecord`).
    public enum GenerationAttribute {
        public static let unit = "generation_unit"
        public static let units = "generation_units"
        public static let episodes = "generation_episodes"
        public static let episodesPerShard = "generation_episodes_per_shard"
        public static let firstEpisode = "generation_first_episode"
        public static let seedsTried = "generation_seeds_tried"
        public static let seedsFailed = "generation_seeds_failed"
        public static let failureKinds = "generation_failure_kinds"
    }

    /// `mask/train` and `mask/valid`.
    public enum MaskKey {
        public static let train = "train"
        public static let valid = "valid"
        public static var all: [String] { [train, valid] }
    }

    // MARK: one episode, `data/demo_N`

    /// Attributes of `data/demo_N` (`EpisodeMetadata`).
    public enum EpisodeAttribute {
        public static let numSamples = "num_samples"
        public static let task = "task"
        public static let split = "split"
        public static let seed = "seed"
        public static let success = "success"
        public static let totalReward = "total_reward"
        public static let source = "source"
        public static let instruction = "instruction"
        public static let objectNames = "object_names"
        public static let modelFile = "model_file"
        public static let failureReason = "failure_reason"
    }

    /// The observation groups of an episode: one row per step, and the one after the last action.
    public static let observationGroup = "obs"
    public static let finalObservationGroup = "final_obs"

    /// Datasets of an observation group (`ObservationRecord`).
    public static func rgbKey(_ camera: String) -> String { "\(camera)_rgb" }
    public static func depthKey(_ camera: String) -> String { "\(camera)_depth" }
    public static let heightmapRGBKey = "heightmap_rgb"
    public static let heightmapHeightKey = "heightmap_height"
    public static let objectPosesKey = "object_poses"
    /// The robot's joint angles, float64 [N, 6] in radians (optional: files before it, and real captures
    /// without joint readings, have none).
    public static let robotJointsKey = "robot_joints"
    /// The number of joints in `robot_joints` (the UR5's six).
    public static let robotJointCount = 6

    /// Attributes of the observation datasets.
    public enum ObservationAttribute {
        /// Depth datasets: `DepthEncoding.attributeDescription`, metres per unit, "m", the no-depth value.
        public static let encoding = "encoding"
        public static let scale = "scale"
        public static let units = "units"
        public static let invalidValue = "invalid_value"
        /// `heightmap_height`: the rounding step in metres.
        public static let quantum = "quantum"
        /// `object_poses`: the order of the 7 numbers; `robot_joints`: the joint names.
        public static let layout = "layout"
    }

    /// Per-step datasets of an episode (`StepRecord` without its observation).
    public enum StepKey {
        public static let actions = "actions"
        public static let actionGroup = "action_dict"
        public static let pickPose = "action_dict/pick_pose"
        public static let placePose = "action_dict/place_pose"
        public static let pickPixel = "action_dict/pick_pixel"
        public static let placePixel = "action_dict/place_pixel"
        public static let placeRotationBin = "action_dict/place_rotation_bin"
        public static let rewards = "rewards"
        public static let dones = "dones"
        public static let instructions = "instructions"
    }
}
