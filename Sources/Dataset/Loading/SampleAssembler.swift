import Foundation
import Geometry

/// Turns a stored step into a `LoaderSample`: CLIPort's `get_image` layout, then (when augmenting) its
/// `perturb` (random SE(2) transform keeping both labels inside, bilinear warp of every channel, optional
/// noise) and `apply_perturbation` on the goal. Rotation labels stay as stored: a global rotation does not
/// change the place yaw relative to the pick yaw.
public enum SampleAssembler {
    /// `rng` continues the sample's own random stream, so the result depends only on the loader seed and
    /// the sample's position, never on which thread made it.
    public static func assemble(_ stored: StoredStep, task: String, episode: Int, step: Int,
                                augmentation: Augmentation?, rng: inout SeededGenerator) -> LoaderSample {
        var workspace = AssemblyWorkspace()
        return assemble(stored, task: task, episode: episode, step: step, augmentation: augmentation, rng: &rng,
                        workspace: &workspace)
    }

    /// The same, taking the image buffers from `workspace` (its pool, when it has one) and warping through its
    /// reused source buffer: the same bytes as a fresh assembly, without allocating once the pool is full.
    static func assemble(_ stored: StoredStep, task: String, episode: Int, step: Int, augmentation: Augmentation?,
                         rng: inout SeededGenerator, workspace: inout AssemblyWorkspace) -> LoaderSample {
        let rows = stored.rows, cols = stored.cols, n = rows * cols
        var sample = LoaderSample(rows: rows, cols: cols, image: [], pick: stored.pick, place: stored.place,
                                  rotationBin: stored.rotationBin, instruction: stored.instruction, goal: nil,
                                  task: task, episode: episode, step: step, perturbation: nil)
        let perturbation = augmentation.flatMap { aug in
            SE2Perturbation.sample(keeping: [stored.pick, stored.place], rows: rows, cols: cols,
                                   thetaSigmaDegrees: aug.thetaSigma(task: task), translationSigma: aug.translationSigmaPixels,
                                   maxAttempts: aug.maxAttempts, using: &rng)
        }
        let goal = stored.goalColor.flatMap { gc in stored.goalHeight.map { (gc, $0) } }
        sample.image = workspace.image(count: n * InputLayout.channels)
        if goal != nil { sample.goal = workspace.image(count: n * InputLayout.channels) }
        guard let perturbation, let augmentation else {
            writePlainImage(color: stored.color, height: stored.height, into: &sample.image)
            if let (gc, gh) = goal { writePlainImage(color: gc, height: gh, into: &sample.goal!) }
            return sample
        }
        sample.perturbation = perturbation
        sample.pick = perturbation.map(stored.pick).rounded
        sample.place = perturbation.map(stored.place).rounded
        let matrix = perturbation.matrix
        if let (gc, gh) = goal {
            // apply_perturbation: the same warp on the goal, without perturb's integer cast of the colour; both in one pass.
            writeWarpedImageAndGoal(color: stored.color, height: stored.height, goalColor: gc, goalHeight: gh, rows: rows, cols: cols,
                                    matrix: matrix, source: &workspace.pairSource, image: &sample.image, goal: &sample.goal!)
        } else {
            writeWarpedImage(color: stored.color, height: stored.height, rows: rows, cols: cols, matrix: matrix,
                             truncateColor: true, source: &workspace.source, into: &sample.image)
        }
        if augmentation.addNoise { addNoise(&sample.image, augmentation: augmentation, rng: &rng) }
        return sample
    }

    /// The `InputLayout` image of a colour and height map: colour, then the height three times.
    public static func plainImage(color: [UInt8], height: [Float]) -> [Float] {
        var image = [Float](repeating: 0, count: height.count * InputLayout.channels)
        writePlainImage(color: color, height: height, into: &image)
        return image
    }

    /// Writes every element of `image` (`height.count * InputLayout.channels` long).
    static func writePlainImage(color: [UInt8], height: [Float], into image: inout [Float]) {
        let n = height.count
        precondition(image.count == n * InputLayout.channels, "the image must hold \(InputLayout.channels) channels of \(n) pixels")
        guard n > 0 else { return }
        image.withUnsafeMutableBufferPointer { out in
            color.withUnsafeBufferPointer { c in
                height.withUnsafeBufferPointer { h in
                    for i in 0..<n {
                        InputLayout.store(color: SIMD3(Float(c[i * 3]), Float(c[i * 3 + 1]), Float(c[i * 3 + 2])), height: h[i],
                                          pixel: i, pixels: n, into: out.baseAddress!)
                    }
                }
            }
        }
    }

    /// The warped `InputLayout` image. The three height channels are equal before the warp, so the warp
    /// runs on 4 channels and copies the height. `truncateColor` mirrors perturb's `np.int32(colour)`.
    static func warpedImage(color: [UInt8], height: [Float], rows: Int, cols: Int, matrix: [Double],
                            truncateColor: Bool) -> [Float] {
        var image = [Float](repeating: 0, count: rows * cols * InputLayout.channels)
        var source: [SIMD4<Float>] = []
        writeWarpedImage(color: color, height: height, rows: rows, cols: cols, matrix: matrix, truncateColor: truncateColor,
                         source: &source, into: &image)
        return image
    }

    /// Writes every element of `image` (rows * cols * `InputLayout.channels` long); `source` is working memory
    /// (resized only when its size differs).
    static func writeWarpedImage(color: [UInt8], height: [Float], rows: Int, cols: Int, matrix: [Double], truncateColor: Bool,
                                 source: inout [SIMD4<Float>], into image: inout [Float]) {
        let n = rows * cols
        precondition(image.count == n * InputLayout.channels, "the image must hold \(InputLayout.channels) channels of \(n) pixels")
        if source.count != n { source = [SIMD4<Float>](repeating: .zero, count: n) }
        source.withUnsafeMutableBufferPointer { s in
            color.withUnsafeBufferPointer { c in
                height.withUnsafeBufferPointer { h in
                    for i in 0..<n { s[i] = SIMD4(Float(c[i * 3]), Float(c[i * 3 + 1]), Float(c[i * 3 + 2]), h[i]) }
                }
            }
        }
        image.withUnsafeMutableBufferPointer { out in
            source.withUnsafeBufferPointer { s in
                if truncateColor {
                    var sink = TruncatingImageSink(out: out.baseAddress!, pixels: n)
                    AffineWarp.warp(s, rows: rows, cols: cols, matrix: matrix, into: &sink)
                } else {
                    var sink = ImageSink(out: out.baseAddress!, pixels: n)
                    AffineWarp.warp(s, rows: rows, cols: cols, matrix: matrix, into: &sink)
                }
            }
        }
    }

    /// `writeWarpedImage` of an image (colour truncated) and of its goal (not truncated) by the same matrix, in
    /// one walk: the same bytes as two calls. `source` is working memory (resized only when its size differs).
    static func writeWarpedImageAndGoal(color: [UInt8], height: [Float], goalColor: [UInt8], goalHeight: [Float], rows: Int,
                                        cols: Int, matrix: [Double], source: inout [SIMD8<Float>], image: inout [Float],
                                        goal: inout [Float]) {
        let n = rows * cols
        precondition(image.count == n * InputLayout.channels && goal.count == n * InputLayout.channels,
                     "the images must hold \(InputLayout.channels) channels of \(n) pixels")
        precondition(color.count == 3 * n && height.count == n && goalColor.count == 3 * n && goalHeight.count == n,
                     "the image and its goal must both have \(n) pixels")
        if source.count != n { source = [SIMD8<Float>](repeating: .zero, count: n) }
        source.withUnsafeMutableBufferPointer { s in
            color.withUnsafeBufferPointer { c in
                height.withUnsafeBufferPointer { h in
                    goalColor.withUnsafeBufferPointer { gc in
                        goalHeight.withUnsafeBufferPointer { gh in
                            for i in 0..<n {
                                s[i] = SIMD8(Float(c[i * 3]), Float(c[i * 3 + 1]), Float(c[i * 3 + 2]), h[i],
                                             Float(gc[i * 3]), Float(gc[i * 3 + 1]), Float(gc[i * 3 + 2]), gh[i])
                            }
                        }
                    }
                }
            }
        }
        image.withUnsafeMutableBufferPointer { out in
            goal.withUnsafeMutableBufferPointer { goalOut in
                source.withUnsafeBufferPointer { s in
                    var sink = ImageAndGoalSink(image: out.baseAddress!, goal: goalOut.baseAddress!, pixels: n)
                    AffineWarp.warp(s, rows: rows, cols: cols, matrix: matrix, into: &sink)
                }
            }
        }
    }

    /// perturb's `add_noise`: colour + int(N(0, 3)) clipped to [0, 255]; each height channel + N(0, 0.003).
    /// The draws go pixel by pixel, colour channels first, then the height channels the same way.
    static func addNoise(_ image: inout [Float], augmentation: Augmentation, rng: inout SeededGenerator) {
        let n = image.count / InputLayout.channels
        for i in 0..<n {
            for c in 0..<InputLayout.colorChannels {
                let o = InputLayout.index(channel: c, pixel: i, pixels: n)
                let noisy = image[o] + Float(rng.normal(std: augmentation.colorNoiseStd)).rounded(.towardZero)
                image[o] = min(max(noisy, 0), 255)
            }
        }
        for i in 0..<n {
            for c in InputLayout.colorChannels..<InputLayout.channels {
                image[InputLayout.index(channel: c, pixel: i, pixels: n)] += Float(rng.normal(std: augmentation.heightNoiseStd))
            }
        }
    }
}

/// Writes warped (R, G, B, height) pixels as the `InputLayout` image: colour, then the height three times.
struct ImageSink: WarpSink {
    let out: UnsafeMutablePointer<Float>
    let pixels: Int
    @inline(__always) func store(_ index: Int, _ v: SIMD4<Float>) {
        InputLayout.store(color: SIMD3(v.x, v.y, v.z), height: v.w, pixel: index, pixels: pixels, into: out)
    }
}

/// The same, truncating the colour as perturb's `np.int32(colour)` does.
struct TruncatingImageSink: WarpSink {
    let out: UnsafeMutablePointer<Float>
    let pixels: Int
    @inline(__always) func store(_ index: Int, _ v: SIMD4<Float>) {
        let floor = TruncatingImageSink.truncated(v)
        InputLayout.store(color: SIMD3(floor.x, floor.y, floor.z), height: v.w, pixel: index, pixels: pixels, into: out)
    }

    /// Warped colour is a convex blend of 0...255 values, so truncation is floor, done branch-free in vector
    /// registers (checked conversions to Int32 cost a third of the warp; lane-by-lane selects, min and max a
    /// fifth): adding and removing 2^23 rounds to the nearest integer, and where that rounded up, the
    /// comparison's all-ones lanes masked with the bits of 1.0 give the 1 to take off.
    @inline(__always) static func truncated(_ v: SIMD4<Float>) -> SIMD4<Float> {
        let magic = SIMD4<Float>(repeating: 8_388_608)
        let nearest = (v + magic) - magic
        let roundedUp = unsafeBitCast(nearest .> v, to: SIMD4<Int32>.self)
        return nearest - unsafeBitCast(roundedUp & SIMD4<Int32>(repeating: 0x3F80_0000), to: SIMD4<Float>.self)
    }
}

/// An augmented image and its goal warped in one pass (8 lanes: the image's R, G, B, height, then the goal's):
/// the image truncated like `TruncatingImageSink`, the goal as `ImageSink` writes it.
struct ImageAndGoalSink: WarpSink {
    let image: UnsafeMutablePointer<Float>
    let goal: UnsafeMutablePointer<Float>
    let pixels: Int
    @inline(__always) func store(_ index: Int, _ v: SIMD8<Float>) {
        let i = v.lowHalf, g = v.highHalf
        let floor = TruncatingImageSink.truncated(i)
        InputLayout.store(color: SIMD3(floor.x, floor.y, floor.z), height: i.w, pixel: index, pixels: pixels, into: image)
        InputLayout.store(color: SIMD3(g.x, g.y, g.z), height: g.w, pixel: index, pixels: pixels, into: goal)
    }
}
