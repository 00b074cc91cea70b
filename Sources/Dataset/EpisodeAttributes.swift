import HDF5

/// `EpisodeMetadata` as the attributes of `data/demo_N`, written and read in one place.
extension EpisodeMetadata {
    func write(to a: HDF5Attributes, steps: Int) throws {
        typealias A = DatasetLayout.EpisodeAttribute
        try a.set(A.numSamples, steps)
        try a.set(A.task, task)
        try a.set(A.split, split)
        try a.set(A.seed, seed)
        try a.set(A.success, success)
        try a.set(A.totalReward, totalReward)
        try a.set(A.source, source.rawValue)
        try a.set(A.instruction, instruction)
        try a.set(A.objectNames, objectNames)
        try a.set(A.modelFile, modelFile)
        try a.set(A.failureReason, failureReason)
    }

    init(attributes a: HDF5Attributes) throws {
        typealias A = DatasetLayout.EpisodeAttribute
        self.init(task: try a.string(A.task), split: try a.string(A.split), seed: try a.int(A.seed),
                  success: try a.int(A.success) != 0, totalReward: try a.double(A.totalReward),
                  source: EpisodeSource(rawValue: try a.string(A.source)) ?? .oracle,
                  instruction: try a.string(A.instruction), objectNames: try a.strings(A.objectNames),
                  modelFile: try a.string(A.modelFile), failureReason: try a.string(A.failureReason))
    }
}
