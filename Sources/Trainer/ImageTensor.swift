import Dataset
import Geometry
import Model

/// The networks' input tensors, [InputLayout.channels, rows, cols]: the loader's images are already in
/// that layout, so a sample's image becomes a tensor as it is.
enum ImageTensor {
    static func input(_ sample: LoaderSample) -> Tensor { Tensor(shape: sample.shape, scalars: sample.image) }

    /// A heightmap's unaugmented input (what the agent sees when it acts).
    static func input(_ heightmap: Heightmap) -> Tensor {
        Tensor(shape: InputLayout.shape(rows: heightmap.rows, cols: heightmap.cols), scalars: InputLayout.image(heightmap))
    }
}
