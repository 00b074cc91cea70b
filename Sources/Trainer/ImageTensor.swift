import Dataset
import Geometry
import Model

/// The networks' input tensors, [InputLayout.channels, rows, cols]: the loader's images are already in
/// that layout, so a sample's image becomes a tensor as it is.
enum ImageTensor {
    /// With the goal image loaded (image-goal agents), observation and goal stacked as 12 channels.
    static func input(_ sample: LoaderSample) -> Tensor {
        guard let goal = sample.goal else { return Tensor(shape: sample.shape, scalars: sample.image) }
        return Tensor(shape: [2 * InputLayout.channels, sample.rows, sample.cols], scalars: sample.image + goal)
    }

    /// A heightmap's unaugmented input (what the agent sees when it acts).
    static func input(_ heightmap: Heightmap) -> Tensor {
        Tensor(shape: InputLayout.shape(rows: heightmap.rows, cols: heightmap.cols), scalars: InputLayout.image(heightmap))
    }

    /// A heightmap and its goal heightmap stacked as 12 channels (what image-goal agents read).
    static func input(_ heightmap: Heightmap, goal: Heightmap) -> Tensor {
        precondition(goal.rows == heightmap.rows && goal.cols == heightmap.cols, "the goal heightmap must have the observation's size")
        return Tensor(shape: [2 * InputLayout.channels, heightmap.rows, heightmap.cols],
                      scalars: InputLayout.image(heightmap) + InputLayout.image(goal))
    }
}
