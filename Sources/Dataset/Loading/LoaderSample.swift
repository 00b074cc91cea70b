import Geometry

/// One training example as CLIPort's `process_sample` makes it: the (rows, cols, 6) input (R, G, B in 0...255,
/// then the height in metres three times, `get_image`'s layout, row-major HWC), the pick and place pixels,
/// the place rotation bin, the instruction, and optionally the goal image (same layout and transform).
public struct LoaderSample: Sendable {
    public static let channels = 6
    public var rows: Int
    public var cols: Int
    public var image: [Float]
    public var pick: Pixel
    public var place: Pixel
    public var rotationBin: Int
    public var instruction: String
    public var goal: [Float]?
    public var task: String
    /// Episode index within its task's dataset folder, and step within the episode.
    public var episode: Int
    public var step: Int
    /// The transform applied, or nil when the sample is not augmented.
    public var perturbation: SE2Perturbation?

    /// Channel `c` of pixel `p` of the input image.
    public func value(_ p: Pixel, channel c: Int) -> Float { image[(p.row * cols + p.col) * LoaderSample.channels + c] }
}

/// A batch of samples, images stacked as [count, rows, cols, 6].
public struct LoaderBatch: Sendable {
    /// Position in the stream (0, 1, 2, ...).
    public var index: Int
    public var count: Int
    public var rows: Int
    public var cols: Int
    public var images: [Float]
    public var picks: [Pixel]
    public var places: [Pixel]
    public var rotationBins: [Int]
    public var instructions: [String]
    /// Goal images, stacked like `images`, when the loader was asked for them.
    public var goals: [Float]?
    public var tasks: [String]
    public var episodes: [Int]
    public var steps: [Int]
    public var perturbations: [SE2Perturbation?]

    public var channels: Int { LoaderSample.channels }

    init(index: Int, samples: [LoaderSample]) {
        precondition(!samples.isEmpty, "a batch holds at least one sample")
        self.index = index
        count = samples.count
        rows = samples[0].rows
        cols = samples[0].cols
        let size = rows * cols * LoaderSample.channels
        var images = [Float](); images.reserveCapacity(size * samples.count)
        for s in samples { images.append(contentsOf: s.image) }
        self.images = images
        if samples.allSatisfy({ $0.goal != nil }) {
            var goals = [Float](); goals.reserveCapacity(size * samples.count)
            for s in samples { goals.append(contentsOf: s.goal!) }
            self.goals = goals
        }
        picks = samples.map(\.pick); places = samples.map(\.place); rotationBins = samples.map(\.rotationBin)
        instructions = samples.map(\.instruction); tasks = samples.map(\.task)
        episodes = samples.map(\.episode); steps = samples.map(\.step); perturbations = samples.map(\.perturbation)
    }

    /// Sample `i` of the batch.
    public func sample(_ i: Int) -> LoaderSample {
        let size = rows * cols * LoaderSample.channels
        return LoaderSample(rows: rows, cols: cols, image: Array(images[(i * size)..<((i + 1) * size)]), pick: picks[i],
                            place: places[i], rotationBin: rotationBins[i], instruction: instructions[i],
                            goal: goals.map { Array($0[(i * size)..<((i + 1) * size)]) }, task: tasks[i],
                            episode: episodes[i], step: steps[i], perturbation: perturbations[i])
    }
}
