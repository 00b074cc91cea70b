import Geometry

/// One training example as CLIPort's `process_sample` makes it: the input image (`InputLayout`: colour, then
/// the height three times, channels first), the pick and place pixels, the place rotation bin, the
/// instruction, and optionally the goal image (same layout and transform).
public struct LoaderSample: Sendable {
    public var rows: Int
    public var cols: Int
    /// [InputLayout.channels, rows, cols], row-major.
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

    /// The shape of `image` and `goal`.
    public var shape: [Int] { InputLayout.shape(rows: rows, cols: cols) }

    /// Channel `c` of pixel `p` of the input image.
    public func value(_ p: Pixel, channel c: Int) -> Float {
        image[InputLayout.index(channel: c, pixel: p.row * cols + p.col, pixels: rows * cols)]
    }
}

/// The samples of one step of the stream, in order.
public struct LoaderBatch: Sendable {
    /// Position in the stream (0, 1, 2, ...).
    public var index: Int
    public var samples: [LoaderSample]

    init(index: Int, samples: [LoaderSample]) {
        precondition(!samples.isEmpty, "a batch holds at least one sample")
        self.index = index
        self.samples = samples
    }

    public var count: Int { samples.count }
    public var picks: [Pixel] { samples.map(\.pick) }
    public var places: [Pixel] { samples.map(\.place) }
    public var rotationBins: [Int] { samples.map(\.rotationBin) }
    public var instructions: [String] { samples.map(\.instruction) }
    public var tasks: [String] { samples.map(\.task) }
    public var episodes: [Int] { samples.map(\.episode) }
    public var steps: [Int] { samples.map(\.step) }
    public var perturbations: [SE2Perturbation?] { samples.map(\.perturbation) }
}
